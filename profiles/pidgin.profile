# Pidgin, the instant messaging client, in tor mode: connections land on
# Tor's TransPort, server names resolve through Tor's DNSPort.
# Every key has its default value.
# timezone = utc, account = generic (the defaults): chat protocols carry local
#   timestamps, and accounts default to the full name.
[profile]
mode = tor
