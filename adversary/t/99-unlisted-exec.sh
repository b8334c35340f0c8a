# what: with a command allow-list (programs: [sh, al-attack]), run a program it does not name (jq), by name, by path, and from a copy in the project and in /tmp
# flags: --profile allowlist
jq -n '"AL-UNLISTED" + "-RAN"'
/usr/bin/jq -n '"AL-UNLISTED" + "-RAN"'
cp /usr/bin/jq "$P/jq" && chmod 755 "$P/jq" && "$P/jq" -n '"AL-UNLISTED" + "-RAN"'
cp /usr/bin/jq /tmp/jq && chmod 755 /tmp/jq && /tmp/jq -n '"AL-UNLISTED" + "-RAN"'
rm -f "$P/jq" /tmp/jq
