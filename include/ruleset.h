/* torgate's nftables table, "inet torgate", as text for libnftables.
 *
 * The rules match sandboxes by link name ("tg*") and link group (tor or
 * clearnet), never one by one: their number and per-packet cost stay the same
 * however many sandboxes run, and the table never needs per-sandbox cleanup.
 * A link that is not in the clearnet group gets the tor rules, so anything
 * unexpected is treated the strict way. */
#ifndef TORGATE_RULESET_H
#define TORGATE_RULESET_H

#include <stdbool.h>

#include "config.h"

#define FIREWALL_TABLE "torgate"
/* A sandbox link's group: torgate's mark, its mode, and flags. A link whose
 * group is none of the kinds below gets nothing at all. */
/* etc/host-hardening.nft.in and etc/host-fallback.nft.in match clearnet
 * links and the LAN flag by these numbers too: change them together. */
#define LINK_GROUP_KIND_MASK 0xffff000fu
#define LINK_GROUP_TOR 0x74670001u
#define LINK_GROUP_CLEARNET 0x74670002u
#define LINK_GROUP_I2P 0x74670003u
#define LINK_GROUP_LAN 0x10u    /* RFC 1918 destinations directly, never their DNS */
#define LINK_GROUP_NO_DNS 0x20u /* no DNS at all */

/* Whether the host forwards for a sandbox link of this group (clearnet, lan
 * = allow): decided by the plan, read back from any sandbox's link. */
bool link_group_forwards(uint32_t group);

/* The whole table as one atomic transaction: creates what is missing and
 * replaces every chain's rules, keeping the forward_guard set's elements. */
char *ruleset_render(const struct torgate_config *cfg);

/* Committing to nf_tables costs a kernel-wide synchronisation (~15 ms), so
 * the table carries an empty chain named after a fingerprint of its rules,
 * and a launcher rewrites the table only when that chain is missing. */
#define MARKER_PREFIX "ruleset_"
char *ruleset_marker(const struct torgate_config *cfg);

/* Elements of the host_services set for one sandbox link, ifindex its
 * index in decimal (or a placeholder, for --explain) (keyed by its
 * index, which the kernel never hands out again soon, so an element left by
 * a crash never matches another sandbox). */
struct host_services;
char *ruleset_render_services(const char *ifindex, const struct host_services *services);
/* Every launcher leaves its elements behind (it holds no capability once
 * its app runs): the next one that grants services deletes those whose
 * link is gone. From nft's listing of the set (links by index), the
 * commands that delete the elements of links for which link_exists says
 * no; "" if none. Works for every set keyed by a link's index first
 * (host_services, onion_targets). */
char *ruleset_prune_set(const char *listing, const char *set, bool (*link_exists)(unsigned ifindex));

/* The element that lets tor's user (tor_uid) open TCP connections to the
 * sandbox on link ifindex: to its onion services. */
char *ruleset_render_onion_target(const char *ifindex, unsigned tor_uid);

/* The sandbox's own nat table. With control_port: its own 127.0.0.1:9051,
 * where apps look for Tor's control port (OnionShare, stem), leads to the
 * filter's control_port at the gateway (leaving with the sandbox's
 * address); with onions, what tor opens from the gateway goes on to its
 * loopback, where apps listen (OnionShare binds 127.0.0.1). Both need
 * route_localnet on its link. With dns_guard (tor mode, dns = tor), its
 * DNS to the gateway goes to the DNS guard in its init (dns_guard.h),
 * but the guard's own; with socks_port (tor mode), its TCP to the
 * gateway's socks_port to the SOCKS guard (socks_guard.h), but what the
 * guard's marked sockets send. With automap (tor mode), a TCP connection
 * to Tor's automap range is refused (TCP reset) unless its address is in
 * the set automapped: those that the sandbox's own DNS guard was answered
 * with, put there by its launcher (automap.h). Tor's map is one for all its
 * clients: without it, a sandbox could reach, or find by trying, what
 * another sandbox's names were mapped to. */
#define SANDBOX_NAT_TABLE "torgate_sandbox"
#define AUTOMAPPED_SET "automapped"
#define AUTOMAPPED_SET_SIZE 4096
#define SANDBOX_CONTROL_PORT 9051
#define DNS_GUARD_PORT 53530        /* the DNS guard, on the sandbox's 127.0.0.1 */
#define DNS_GUARD_SOURCE_PORT 53531 /* its queries to the gateway leave from this port */
#define SOCKS_GUARD_PORT 53532      /* the SOCKS guard, on the sandbox's 127.0.0.1 */
#define SOCKS_GUARD_MARK 0x746f72u  /* "tor": its connections to the SocksPort */
struct sandbox_nat {
    uint32_t gateway; /* host order */
    uint16_t control_port;
    bool onions;
    bool dns_guard;
    bool dns_tcp; /* and TCP to the gateway's port 53 too (dns-types = all) */
    uint16_t socks_port;
    bool automap;
};
/* NULL when the sandbox needs no table. */
char *ruleset_render_sandbox_nat(const struct sandbox_nat *nat);

/* Adds an uplink to uplinks, the only links clearnet sandboxes'
 * traffic may leave by, and with guard also to forward_guard: forwarding
 * that torgate turned on there carries clearnet sandboxes' traffic and
 * nothing else. */
char *ruleset_render_uplink(const char *ifname, bool guard);

/* The uplinks' forwarding is changed by one launcher at a time: it holds
 * the element of forwarding_lease, which "create element" makes only if it
 * is absent, and the kernel removes after LEASE_SECONDS if its holder died. */
#define LEASE_SECONDS 10
#define LEASE_TAKE "create element inet " FIREWALL_TABLE " forwarding_lease { 0x1 timeout 10s }\n"
#define LEASE_GIVE "delete element inet " FIREWALL_TABLE " forwarding_lease { 0x1 }\n"

#endif
