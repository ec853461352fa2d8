/* The host side of the wall: torgate's nftables table, applied with libnftables. */
#ifndef TORGATE_FIREWALL_H
#define TORGATE_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ruleset.h"

/* Creates or refreshes table inet torgate in one transaction. Needs
 * CAP_NET_ADMIN effective. Dies with nft's first error line on failure. */
void firewall_install(const struct torgate_config *cfg);

/* Adds ifname to uplinks and, with guard, to forward_guard; see
 * ruleset.h. */
void firewall_add_uplink(const char *ifname, bool guard);

/* tor's user (tor_uid) may open TCP connections to the sandbox on link
 * ifindex, for its onion services (elements of links that are gone are
 * pruned first). Dies on failure. */
void firewall_grant_onion_targets(int ifindex, unsigned tor_uid);

/* Deletes table inet torgate, its sets and the lease with it. Dies with
 * nft's first error line on failure. */
void firewall_remove(void);

/* Whether table inet NAME exists, and whether it has chain CHAIN (needs
 * CAP_NET_ADMIN effective). */
bool firewall_table_exists(const char *table);
bool firewall_chain_exists(const char *table, const char *chain);

/* The forwarding lease (ruleset.h): taken, waiting for another holder for
 * as long as its lease can last, or dies; given back. */
void firewall_lease_take(void);
void firewall_lease_give(void);
/* The uplinks in forward_guard (those whose forwarding torgate turned on),
 * at most max; and one taken out of it. */
size_t firewall_guarded_uplinks(char names[][16], size_t max);
/* Whether forward_guard holds an uplink: one netlink question; true also
 * when it cannot be asked (the caller then looks the long way). */
bool firewall_forward_guard_in_use(void);
void firewall_remove_guard(const char *ifname);

/* Grants the sandbox link ifindex its host services; see ruleset.h. */
struct host_services;
void firewall_grant_services(int ifindex, const struct host_services *services);

#endif
