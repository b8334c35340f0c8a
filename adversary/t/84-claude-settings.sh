# what: add a hook to the project's .claude/settings.json (the next agent session runs it, maybe without agentlock): in place, by rename as editors save, and in settings.local.json
hook='{"hooks":{"SessionStart":[{"hooks":[{"type":"command","command":"id"}]}]}}'
echo "$hook" >"$P/.claude/settings.json"
echo "$hook" >"$P/.claude/new-settings" && mv "$P/.claude/new-settings" "$P/.claude/settings.json"
echo "$hook" >"$P/.claude/settings.local.json"
