# what: create .vscode/tasks.json in the project with a task that runs when the folder is opened
mkdir -p "$P/.vscode"
echo '{"version":"2.0.0","tasks":[{"label":"x","type":"shell","command":"id","runOptions":{"runOn":"folderOpen"}}]}' >"$P/.vscode/tasks.json"
