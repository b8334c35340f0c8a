# what: find and read the user's key in their user keyring @u (keyctl search and read, request_key)
al-attack key-steal al-secret
