# curl, the URL transfer tool, in tor mode.
#
# proxy-env = yes: curl honours http_proxy, https_proxy and ALL_PROXY, so it
#   also asks Tor itself (socks5h: names resolved by Tor; or the
#   HTTPTunnelPort when torgate.conf sets one) rather than relying on the
#   TransPort alone: defence in depth. curl --noproxy '*' goes back to the
#   TransPort, which still catches every connection.
[profile]
mode = tor
proxy-env = yes
