# what: a creating open whose name another thread keeps flipping between ~/.claude.json, which the claude profile's prefix grant lets the cell make, and ~/.claude.jsom, an outside file one byte away (a supervisor that judges one read of the name and acts on another is beaten)
# flags: --profile claude
al-attack open-race "$H/.claude.json" "$H/.claude.jsom" 3000
