# DNS tools (dig, host, nslookup, delv) in tor mode, with every DNS type:
#   torgate --profile dns-tools dig MX example.org
#
# dns-types = all: Tor's DNSPort answers A, AAAA and PTR only. Every other
#   type (MX, TXT, SRV, NS, SOA, CAA, DNSKEY...) goes over TCP through Tor's
#   SocksPort to the recursive resolver that torgate.conf names
#   ([dns] resolver); A, AAAA, PTR and .onion names still go to the
#   DNSPort. That resolver's operator sees every such query (from an exit):
#   so no other shipped profile has it, and torgate.conf names no resolver
#   by default. Without one, this profile is refused, saying so.
#   Queries over UDP and TCP (dig +tcp) both work.
[profile]
mode = tor
dns-types = all
