# OnionShare, which shares files and web sites as onion services, in tor
# mode.
# control-port = onionshare: the host's tor makes OnionShare's onion
#   services, through torgate-control-filter(8) and its allowlist
#   /etc/torgate/control/onionshare.conf (as Tails' onion-grater): ADD_ONION
#   to the sandbox itself only, DEL_ONION of its own, their HS_DESC events.
#   OnionShare finds it where it looks by default (its "automatic"
#   connection), the sandbox's 127.0.0.1:9051; tor connects to the sandbox
#   for the services, and torgate sends that on to its loopback, where
#   OnionShare listens. Without the filter running, OnionShare's own tor
#   would run Tor over Tor through the TransPort.
# display = wayland, x11: on an X11 desktop the app needs the X server, and
#   X11 lets any client read and type into every other window (torgate.profile(5)).
# accessibility = allow: screen readers read and operate the app, through a
#   filter of the accessibility bus that lets the app drive no other one.
[profile]
mode = tor
control-port = onionshare
display = wayland, x11
accessibility = allow
