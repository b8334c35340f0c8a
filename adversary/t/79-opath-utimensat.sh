# what: open an outside file O_PATH (it asks for neither read nor write), then change its times through that descriptor (utimensat AT_EMPTY_PATH)
al-attack opath-utime "$H/victim-file"
