# what: plant a key in the user's keyring @u (add_key), for the user's programs to find later
al-attack key-plant al-planted
