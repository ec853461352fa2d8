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
[profile]
mode = tor
user-namespaces = allow
