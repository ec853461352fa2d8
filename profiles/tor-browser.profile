# Tor Browser, the Tor Project's browser, in tor mode.
# Tor Browser must use the SocksPort at the sandbox's gateway (its default
# route), port 9050, rather than start a tor of its own (which would run Tor
# over Tor through the TransPort): set TOR_SKIP_LAUNCH=1,
# TOR_SOCKS_HOST=GATEWAY and TOR_SOCKS_PORT=9050.
#
# control-port = tor-browser: Tor's control port, through
#   torgate-control-filter(8) and its allowlist /etc/torgate/control/
#   tor-browser.conf (as Tails' onion-grater): Tor Browser shows the circuits
#   of its own streams and asks for New Identity (NEWNYM); nothing else of
#   Tor's control. torgate sets TOR_CONTROL_HOST and TOR_CONTROL_PORT.
# dns = none: Tor Browser resolves every name through SOCKS (socks5h), so the
#   sandbox needs no resolver; without one, nothing in it can leak a lookup.
# user-namespaces = allow: like Firefox, Tor Browser's content-process sandbox
#   uses unprivileged user namespaces, when it can, to put its content
#   processes in namespaces (and a chroot) of their own; without them it runs
#   with a weaker sandbox (seccomp only). Tor Browser renders hostile pages
#   and is worth that layer. The namespaces it makes are nested in torgate's
#   sandbox: a new network namespace starts empty and cannot reach past
#   torgate's.
# timezone = host: Tor Browser reports UTC to pages itself
#   (privacy.resistFingerprinting) and shows its user local time.
# display = wayland, x11: on an X11 desktop the app needs the X server, and
#   X11 lets any client read and type into every other window (torgate.profile(5)).
# Tor Browser keeps its profile in its own directory, and asks for no bus.
# sound = allow: pages play sound, through a PulseAudio of the sandbox's own
#   that can load no module (the session's could be made to open connections).
# accessibility = allow: screen readers read and operate the app, through a
#   filter of the accessibility bus that lets the app drive no other one.
[profile]
mode = tor
dns = none
control-port = tor-browser
user-namespaces = allow
timezone = host
display = wayland, x11
accessibility = allow
sound = allow
