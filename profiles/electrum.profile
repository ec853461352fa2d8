# Electrum, the Bitcoin wallet, in tor mode: connections to its servers land
# on Tor's TransPort, their names resolve through Tor's DNSPort. Its own proxy
# setting may also name the SocksPort at the sandbox's gateway, port 9050.
# Every key has its default value.
[profile]
mode = tor
