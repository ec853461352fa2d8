/* The host side of the wall: torgate's nftables table, applied with libnftables. */
#ifndef TORGATE_FIREWALL_H
#define TORGATE_FIREWALL_H

#include <stdbool.h>

#include "config.h"

/* Creates or refreshes table inet torgate in one transaction. Needs
 * CAP_NET_ADMIN effective. Dies with nft's first error line on failure. */
void firewall_install(const struct torgate_config *cfg);

/* Adds ifname to uplinks and, with guard, to forward_guard; see
 * ruleset.h. */
void firewall_add_uplink(const char *ifname, bool guard);

/* Grants the sandbox link ifindex its host services; see ruleset.h. */
struct host_services;
void firewall_grant_services(int ifindex, const struct host_services *services);

#endif
