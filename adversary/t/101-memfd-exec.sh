# what: with a command allow-list (programs: [sh, al-attack]), copy jq into a memfd and run it from there (execveat AT_EMPTY_PATH, then /proc/self/fd/N): a file with no path the list could name
# flags: --profile allowlist
al-attack memfd-exec /usr/bin/jq jq -n '"AL-UNLISTED" + "-RAN"'
