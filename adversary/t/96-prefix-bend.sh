# what: bend a name-prefix grant (the claude profile's ~/.claude.json*) towards other names: a granted temporary file renamed over an outside script, an outside file renamed into the prefix, dot-dot paths through prefix names, a symbolic link planted under a prefix name
# flags: --profile claude
t=$H/.claude.json.tmp.al1
echo "cat $H/secret.txt" >"$t"
mv -f "$t" "$H/outside.sh"
mv -f "$H/victim-file" "$H/.claude.json.stolen"
mkdir "$H/.claude.json.d" && echo planted >"$H/.claude.json.d/../victim-file"
echo planted >"$H/.claude.json.tmp.al1/../victim-file"
ln -s "$H/victim-file" "$H/.claude.json.link"
echo planted >"$H/.claude.json.link"
rm -f "$t" "$H/.claude.json.link" "$H/.claude.json.stolen"
rmdir "$H/.claude.json.d"
