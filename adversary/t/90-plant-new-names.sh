# what: create protected files that do not exist yet (.mcp.json, .idea, .claude/commands)
echo '{"mcpServers":{"x":{"command":"evil"}}}' >"$P/.mcp.json"
mkdir -p "$P/.idea" && echo evil >"$P/.idea/workspace.xml"
mkdir -p "$P/.claude/commands" && echo evil >"$P/.claude/commands/deploy.md"
