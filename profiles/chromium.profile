# Chromium, the web browser, in tor mode. Like Firefox ESR, not Tor Browser:
# sites can still fingerprint it; torgate hides the address and keeps DNS in
# Tor.
#
# user-namespaces = allow: Chromium's sandbox uses user namespaces (its
#   setuid helper cannot work under no_new_privs, which torgate sets);
#   without them Chromium refuses to start unless given --no-sandbox. The
#   namespaces it makes are nested in torgate's sandbox: a new network
#   namespace starts empty and cannot reach past torgate's.
# timezone = utc, account = generic (the defaults): a page's JavaScript reads the
#   time zone, which Chromium does not hide.
# display = wayland, x11: on an X11 desktop the app needs the X server, and
#   X11 lets any client read and type into every other window (torgate.profile(5)).
# session-bus = filtered, talk = org.freedesktop.Notifications: the page's
#   notifications reach the desktop; org.freedesktop.portal.IBus: the input
#   method, through IBus's portal (input contexts of the app's own, nothing
#   of other apps); nothing else of the session bus does (no other portal,
#   which could open a URL outside the sandbox; no other instance's
#   remote-control name, so no hand-off).
# own-dirs: this profile's own Chromium profile (its SingletonSocket, lock,
#   cookies and history), never an unsandboxed Chromium's.
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
own-dirs = .config/chromium, .cache/chromium
session-bus = filtered

[session-bus]
talk = org.freedesktop.Notifications, org.freedesktop.portal.IBus
