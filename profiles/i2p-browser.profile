# A web browser for I2P eepsites, in i2p mode: the sandbox reaches only the
# host's I2P router (its HTTP proxy, HTTPS proxy and SAM ports, at the
# gateway), nothing else; no Tor, no DNS (the I2P proxy resolves .i2p names).
# Run a browser profile set up for I2P in it.
#
# proxy-env = yes: the proxy variables (http_proxy, ALL_PROXY...) name the
#   I2P HTTP proxy at the gateway, for browsers and tools that honour them.
[profile]
mode = i2p
proxy-env = yes
