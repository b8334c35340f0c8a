# what: point git at a program of the agent's choosing (core.hooksPath, core.fsmonitor in .git/config), in place and as git writes it (lock file, rename)
printf '\thooksPath = /tmp/h\n\tfsmonitor = id\n' >>"$P/.git/config"
{ cat "$P/.git/config"; printf '\tfsmonitor = id\n'; } >"$P/.git/config.lock" && mv "$P/.git/config.lock" "$P/.git/config"
