# what: kill an outside process
al-attack kill "$VICTIM" 9; kill -9 "$VICTIM"
