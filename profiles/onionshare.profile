# OnionShare, which shares files and web sites as onion services, in tor
# mode. OnionShare starts a tor of its own; inside the sandbox that tor
# reaches the Tor network through the TransPort (Tor over Tor: slower, but
# nothing leaves outside Tor). torgate does not open Tor's ControlPort, so
# OnionShare cannot use the host's tor instead.
# Every key has its default value.
# display = wayland, x11: on an X11 desktop the app needs the X server, and
#   X11 lets any client read and type into every other window (torgate.profile(5)).
# accessibility = allow: screen readers read and operate the app, through a
#   filter of the accessibility bus that lets the app drive no other one.
[profile]
mode = tor
display = wayland, x11
accessibility = allow
