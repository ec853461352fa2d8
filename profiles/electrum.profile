# Electrum, the Bitcoin wallet, in tor mode: connections to its servers land
# on Tor's TransPort, their names resolve through Tor's DNSPort. Its own proxy
# setting may also name the SocksPort at the sandbox's gateway, port 9050.
# Every key has its default value.
# display = wayland, x11: on an X11 desktop the app needs the X server, and
#   X11 lets any client read and type into every other window (torgate.profile(5)).
# accessibility = allow: screen readers read and operate the app, through a
#   filter of the accessibility bus that lets the app drive no other one.
[profile]
mode = tor
display = wayland, x11
accessibility = allow
