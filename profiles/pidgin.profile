# Pidgin, the instant messaging client, in tor mode: connections land on
# Tor's TransPort, server names resolve through Tor's DNSPort.
# Every key has its default value.
[profile]
mode = tor
