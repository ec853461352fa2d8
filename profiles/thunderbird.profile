# Thunderbird, the mail client, in tor mode: IMAP, POP and SMTP land on Tor's
# TransPort, names resolve through Tor's DNSPort.
# Every key has its default value. No host-services: printing goes through
# CUPS's Unix socket (/run/cups/cups.sock), a file rather than the network,
# so no opening to the host's tcp/631 is needed.
# timezone = utc, account = generic (the defaults): every mail's Date header
#   carries the sender's offset, and its From the account's full name.
# display = wayland, x11: on an X11 desktop the app needs the X server, and
#   X11 lets any client read and type into every other window (torgate.profile(5)).
# accessibility = allow: screen readers read and operate the app, through a
#   filter of the accessibility bus that lets the app drive no other one.
[profile]
mode = tor
display = wayland, x11
accessibility = allow
