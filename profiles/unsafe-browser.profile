# Tails' Unsafe Browser: direct access to the network, for captive portals
# (the login page of a hotel's or a station's Wi-Fi) before Tor can connect.
# No Tor and nothing of the host (its loopback, Tor's ports, its services).
# Only members of torgate.conf's [clearnet] group may use it, or their own
# profiles that narrow it.
#
# dns = clearnet: the resolvers named in torgate.conf's [clearnet]
#   resolv-conf; a captive portal answers through the network's own resolvers.
# lan = allow: captive portals usually live on the local network itself.
# account = real, timezone = host (clearnet's defaults): the network sees
#   who this is anyway; hiding buys nothing.
# display = wayland, x11: on an X11 desktop the app needs the X server, and
#   X11 lets any client read and type into every other window (torgate.profile(5)).
# own-dirs: browser profiles of its own, for Firefox and Chromium: it never
#   sees the Tor browsers' cookies or history, nor they its.
# No bus: nothing to hand a URL to.
# user-namespaces = allow: the browser's own sandbox (Firefox's and
#   Chromium's content processes in namespaces of their own) as strong as in
#   the Tor profiles: it renders the same hostile pages.
# confirm = yes: started from a menu (no terminal), a dialog says what it
#   does (no Tor: the sites and the network see the real address; for captive
#   portals only) and asks first; its refusals are dialogs too.
# single-instance = yes: one at a time (per user).
# accessibility = allow: screen readers read and operate the app, through a
#   filter of the accessibility bus that lets the app drive no other one.
[profile]
mode = clearnet
dns = clearnet
lan = allow
user-namespaces = allow
confirm = yes
single-instance = yes
display = wayland, x11
accessibility = allow
own-dirs = .mozilla, .config/mozilla, .cache/mozilla, .config/chromium, .cache/chromium
