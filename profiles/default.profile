# The default profile: everything through Tor, for any COMMAND that has no
# profile of its own.
# TCP to any address lands on Tor's TransPort, DNS to the gateway on Tor's
# DNSPort, the gateway's SocksPort port on Tor's SocksPort; nothing else
# leaves the sandbox. Every key has its default value; they are written out
# so that this file shows what a profile can say.
[profile]
mode = tor
dns = tor
lan = deny
proxy-env = no
user-namespaces = deny
account = generic
timezone = utc
