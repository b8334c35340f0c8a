# what: connect to an outside daemon's Unix socket by a relative name that climbs out of the project
cd "$P" && al-attack connect ../../../run/outside.sock
