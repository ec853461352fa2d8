[profile]
mode = i2p
proxy-env = yes
