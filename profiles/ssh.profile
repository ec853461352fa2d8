# OpenSSH's client, in tor mode: the connection lands on Tor's TransPort, the
# host name resolves through Tor's DNSPort (.onion names included, mapped
# into Tor's automap range).
# Every key has its default value: ssh does not read proxy variables.
[profile]
mode = tor
