/* Address ranges that the firewall's rules and the supervisor both reason
 * about, written once so that the two walls cannot disagree. */
#ifndef TORGATE_ADDRESSES_H
#define TORGATE_ADDRESSES_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* Tor's VirtualAddrNetworkIPv4 as shipped in etc/torrc.d: the DNSPort maps
 * .onion (and every other automapped) name there, and only Tor can carry a
 * connection to it. */
extern const struct prefix4 tor_automap;

bool prefix4_contains(const struct prefix4 *net, uint32_t addr);

/* What lan = allow reaches directly: RFC 1918 addresses, but never Tor's
 * automap range (inside 10/8) nor the sandbox pool (the gateway's DNS is
 * Tor's). */
bool lan_direct(uint32_t addr, const struct prefix4 *pool);

/* RFC 1918 as an nftables anonymous set, "{ 10.0.0.0/8, ... }". */
char *rfc1918_nft(void);
/* lan_direct() for the nftables rules: "ip daddr { RFC 1918 } ip daddr != {
 * automap, pool }", the two conditions a rule puts before its verdict. */
char *lan_direct_nft(const struct prefix4 *pool);

#endif
