# what: with a command allow-list (programs: [sh, al-attack]), run jq through the ELF loader by hand (ld.so /usr/bin/jq): the loader is allowed for the listed programs, and it maps jq without an exec of its own
# flags: --profile allowlist
for l in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1; do [ -e "$l" ] && ld=$l; done
"$ld" /usr/bin/jq -n '"AL-UNLISTED" + "-RAN"'
