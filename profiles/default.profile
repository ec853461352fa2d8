# The default profile: everything through Tor.
# TCP to any address lands on Tor's TransPort, DNS to the gateway on Tor's
# DNSPort, the gateway's SocksPort port on Tor's SocksPort; nothing else
# leaves the sandbox.
[profile]
mode = tor
