# A web browser for I2P eepsites, in i2p mode: the sandbox reaches only the
# host's I2P router (its HTTP proxy, HTTPS proxy and SAM ports, at the
# gateway), nothing else; no Tor, no DNS (the I2P proxy resolves .i2p names).
# Run a browser profile set up for I2P in it.
#
# proxy-env = yes: the proxy variables (http_proxy, ALL_PROXY...) name the
#   I2P HTTP proxy at the gateway, for browsers and tools that honour them.
# display = wayland, x11: on an X11 desktop the app needs the X server, and
#   X11 lets any client read and type into every other window (torgate.profile(5)).
# own-dirs: browser profiles of its own, apart from the Tor and the clearnet ones.
# accessibility = allow: screen readers read and operate the app, through a
#   filter of the accessibility bus that lets the app drive no other one.
[profile]
mode = i2p
proxy-env = yes
display = wayland, x11
accessibility = allow
own-dirs = .mozilla, .config/mozilla, .cache/mozilla, .config/chromium, .cache/chromium
