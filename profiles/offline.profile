# Offline: no network at all, only the sandbox's own loopback. For opening
# untrusted documents, or any program that has no business on the network.
# dns defaults to none in this mode: the sandbox has no resolver.
[profile]
mode = offline
