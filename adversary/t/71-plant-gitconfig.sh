# what: point the repository's config at a program (core.hooksPath, core.fsmonitor, an alias)
printf '[core]\n\thooksPath = /tmp\n' >>"$P/.git/config"
printf '[core]\n\tfsmonitor = /tmp/evil\n' >"$P/.git/config.lock"
mv "$P/.git/config.lock" "$P/.git/config"
rm -f "$P/.git/config.lock"
rm -f "$P/.git/config" && printf '[alias]\n\tst = !/tmp/evil\n' >"$P/.git/config"
