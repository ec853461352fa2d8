/* Links, addresses and routes (libnl-route-3), on both ends of a sandbox's veth. */
#ifndef TORGATE_LINK_H
#define TORGATE_LINK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "pool.h"

/* The host end of a sandbox's veth, as the plan decided it. */
struct link_plan {
    uint32_t group;      /* mode and flags, which the firewall's rules match */
    bool forwarding;     /* the host forwards for it: clearnet, lan = allow */
    bool route_localnet; /* DNATed to the host's loopback: tor, i2p */
    unsigned owner;      /* the user whose sandbox it is (rtnl.h's alias) */
};

#include "rtnl.h"

/* Host side. Claims a free slot, searched from a random one, by creating its
 * veth "tgN" (with NLM_F_EXCL, so two launchers never share one), the peer
 * born as eth0 inside the network namespace of sandbox_pid; then gives the
 * host end its gateway address, the plan's settings and brings it up. The
 * census is of the links it listed to find the slot. Dies if the pool is
 * full. */
void host_link_create(struct nl_sock *sk, const struct prefix4 *pool, pid_t sandbox_pid,
                      const struct link_plan *link, struct slot *slot);
/* The host end's interface index (for per-sandbox firewall elements). */
int host_link_index(struct nl_sock *sk, const struct slot *slot);
/* Deletes the veth (both ends); a link already gone is fine. */
void host_link_delete(struct nl_sock *sk, const char *ifname);
/* The uplinks: the links of the IPv4 default routes, at most max. */
struct uplink {
    char name[16];
    bool forwarding; /* IPv4 forwarding is on */
};
size_t uplinks_find(struct nl_sock *sk, struct uplink *found, size_t max);
/* IPv4 forwarding on a link by name (off for a link that is gone is done). */
void link_set_forwarding(struct nl_sock *sk, const char *ifname, bool on);

/* What the host's links say about forwarding, from one listing. */
struct link_census {
    bool sandbox_forwards;   /* a sandbox link (but the one excepted) is forwarded for */
    bool some_link_forwards; /* a link other than a sandbox's has IPv4 forwarding on */
    unsigned sandbox_links;  /* tgN links (but the one excepted) */
};
struct link_census link_census(struct nl_sock *sk, const char *except);
/* Waits (a few seconds at most) until the link named ifname is gone. */
void host_link_wait_gone(struct nl_sock *sk, const char *ifname);

/* Sandbox side, inside its network namespace: lo and eth0 up, eth0's
 * address, and the default route via the gateway. */
void sandbox_link_configure(const struct slot *slot);
/* An offline sandbox: lo up, nothing else. */
void sandbox_loopback_only(void);
/* address/32 (host order) on lo: a datagram island's gateway
 * (datagram_island.h). */
void loopback_address_add(uint32_t address);

#endif
