# Pidgin, the instant messaging client, in tor mode: connections land on
# Tor's TransPort, server names resolve through Tor's DNSPort.
# Every key has its default value.
# timezone = utc, account = generic (the defaults): chat protocols carry local
#   timestamps, and accounts default to the full name.
# display = wayland, x11: on an X11 desktop the app needs the X server, and
#   X11 lets any client read and type into every other window (torgate.profile(5)).
# accessibility = allow: screen readers read and operate the app, through a
#   filter of the accessibility bus that lets the app drive no other one.
[profile]
mode = tor
display = wayland, x11
accessibility = allow
