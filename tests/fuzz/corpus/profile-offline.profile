[profile]
mode = offline
