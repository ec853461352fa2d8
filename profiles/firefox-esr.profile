# Firefox ESR, Debian's web browser, in tor mode. Not Tor Browser: it does
# not resist fingerprinting or isolate first parties, so sites can still
# recognise it; torgate only hides the address and keeps DNS in Tor.
#
# user-namespaces = allow: Firefox's content-process sandbox uses
#   unprivileged user namespaces, when it can, to put its content processes
#   in namespaces (and a chroot) of their own; without them it runs with a
#   weaker sandbox (seccomp only). The namespaces it makes are nested in
#   torgate's sandbox.
# No host-services, and no printing: CUPS's Unix socket (/run/cups/cups.sock)
#   is out of reach like every host socket in /run, and its tcp/631 stays
#   closed (CUPS sends jobs over the network, and its web interface would
#   face every page's exploit). Print to a PDF file instead.
# timezone = utc, account = generic (the defaults): a page's JavaScript reads the
#   time zone, which Firefox ESR does not hide.
# display = wayland, x11: on an X11 desktop the app needs the X server, and
#   X11 lets any client read and type into every other window (torgate.profile(5)).
# session-bus = filtered, talk = org.freedesktop.Notifications: the page's
#   notifications reach the desktop; org.freedesktop.portal.IBus: the input
#   method, through IBus's portal (input contexts of the app's own, nothing
#   of other apps); nothing else of the session bus does (no other portal,
#   which could open a URL outside the sandbox; no other instance's
#   remote-control name, so no hand-off).
# own-dirs: this profile's own Firefox profile, never the one an unsandboxed
#   Firefox or the Unsafe Browser uses (cookies, history, the profile lock):
#   ~/.mozilla, and ~/.config/mozilla, where newer Firefox keeps profiles.
# sound = allow: pages play sound, through a PulseAudio of the sandbox's own
#   that can load no module (the session's could be made to open connections).
# accessibility = allow: screen readers read and operate the app, through a
#   filter of the accessibility bus that lets the app drive no other one.
[profile]
mode = tor
user-namespaces = allow
display = wayland, x11
accessibility = allow
sound = allow
own-dirs = .mozilla, .config/mozilla, .cache/mozilla
session-bus = filtered

[session-bus]
talk = org.freedesktop.Notifications, org.freedesktop.portal.IBus
