# Git, the version control system, in tor mode.
#
# proxy-env = yes: git's http and https transports (libcurl) honour
#   http_proxy, https_proxy and ALL_PROXY, so they also ask Tor itself:
#   defence in depth. The git:// and ssh transports ignore them and go
#   through the TransPort, like any TCP.
# timezone = utc, account = generic (the defaults): every commit records the
#   author's time zone offset, and git falls back to the full name for it.
[profile]
mode = tor
proxy-env = yes
