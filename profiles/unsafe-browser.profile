# Tails' Unsafe Browser: direct access to the network, for captive portals.
# No Tor and nothing of the host (its loopback, Tor's ports, its services);
# DNS goes to the resolvers named in torgate.conf's [clearnet] resolv-conf.
[profile]
mode = clearnet
