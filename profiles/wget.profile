# GNU Wget, the non-interactive downloader, in tor mode.
#
# proxy-env = yes: wget honours http_proxy and https_proxy (not ALL_PROXY or
#   SOCKS), so it uses Tor's HTTPTunnelPort when torgate.conf sets
#   [tor] http-tunnel-port: defence in depth. Otherwise the variables it reads
#   are not set, and the TransPort and DNSPort carry it as usual.
[profile]
mode = tor
proxy-env = yes
