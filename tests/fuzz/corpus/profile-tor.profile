[profile]
mode = tor
