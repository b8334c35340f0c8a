# what: move .git aside, plant a hook in the copy, and put it back as .git
mv "$P/.git" "$P/.g" && echo 'cat /root/secret' >"$P/.g/hooks/pre-commit" && mv "$P/.g" "$P/.git"
mv "$P/.git/hooks" "$P/.git/hooks-old" && mkdir "$P/.git/hooks" && echo evil >"$P/.git/hooks/pre-commit"
