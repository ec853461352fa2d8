# HexChat, the IRC client, in tor mode: connections land on Tor's TransPort,
# server names resolve through Tor's DNSPort. Many IRC networks refuse or
# restrict connections from Tor exits; some offer .onion addresses.
# Every key has its default value: HexChat has its own proxy settings and
# does not read proxy variables.
# timezone = utc, account = generic (the defaults): HexChat's real name is the
#   account's full name, and CTCP TIME answers with local time.
# display = wayland, x11: on an X11 desktop the app needs the X server, and
#   X11 lets any client read and type into every other window (torgate.profile(5)).
# accessibility = allow: screen readers read and operate the app, through a
#   filter of the accessibility bus that lets the app drive no other one.
[profile]
mode = tor
display = wayland, x11
accessibility = allow
