# what: the harness SIGKILLs agentlock while the agent keeps trying to read outside
# harness: kill-agentlock
while :; do cat "$H/secret.txt" >>"$P/loot" 2>/dev/null; cat "$H/secret.txt" >>/tmp/loot-k9 2>/dev/null; sleep 0.05; done
