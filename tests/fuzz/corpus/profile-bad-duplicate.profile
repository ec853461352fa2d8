[profile]
mode = tor
mode = i2p
