# what: with a profile that allows one host by name (allowed.test:7070), reach the outside TCP service on that port by address, through another name that resolves to it, and after sending itself a DNS answer forged to name the address allowed.test
# flags: --profile hostrules
al-attack tcp-connect 127.0.0.1 7070
al-attack connect-name other.test 7070
al-attack dns-forge 127.0.0.53 allowed.test 127.0.0.1
al-attack tcp-connect 127.0.0.1 7070
