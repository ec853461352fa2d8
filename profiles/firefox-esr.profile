# Firefox ESR, Debian's web browser, in tor mode. Not Tor Browser: it does
# not resist fingerprinting or isolate first parties, so sites can still
# recognise it; torgate only hides the address and keeps DNS in Tor.
#
# user-namespaces = allow: Firefox's content-process sandbox uses
#   unprivileged user namespaces, when it can, to put its content processes
#   in namespaces (and a chroot) of their own; without them it runs with a
#   weaker sandbox (seccomp only). The namespaces it makes are nested in
#   torgate's sandbox.
# No host-services: printing goes through CUPS's Unix socket
#   (/run/cups/cups.sock), a file rather than the network, so no opening
#   to the host's tcp/631 is needed (that would also expose CUPS's web
#   interface to every page's exploit).
# timezone = utc, account = generic (the defaults): a page's JavaScript reads the
#   time zone, which Firefox ESR does not hide.
[profile]
mode = tor
user-namespaces = allow
