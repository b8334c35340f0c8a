# what: move a project file over an outside file (rename with the destination outside)
echo replaced >"$P/x"; mv "$P/x" "$H/victim-file"
