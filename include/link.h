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
};

struct nl_sock;

/* A NETLINK_ROUTE socket in the caller's current network namespace. */
struct nl_sock *netlink_open(void);
void netlink_close(struct nl_sock **sk);
#define autonetlink __attribute__((cleanup(netlink_close)))

/* Host side. Claims the lowest free slot by creating its veth "tgN" (with
 * NLM_F_EXCL, so two launchers never share one), the peer born as eth0 inside
 * the network namespace of sandbox_pid; then gives the host end its gateway
 * address, its per-link settings and brings it up. Dies if the pool is full. */
void host_link_create(struct nl_sock *sk, const struct prefix4 *pool, pid_t sandbox_pid,
                      const struct link_plan *link, struct slot *slot);
/* The host end's interface index (for per-sandbox firewall elements). */
int host_link_index(struct nl_sock *sk, const struct slot *slot);
/* Deletes the veth (both ends); a link already gone is fine. */
void host_link_delete(struct nl_sock *sk, const char *ifname);
/* Clearnet and lan = allow, with the forwarding lease held: turns IPv4
 * forwarding on for the uplinks (the links of the default routes) that have
 * it off, each first put in the firewall's forward_guard. */
void uplinks_enable_forwarding(struct nl_sock *sk);

/* With the forwarding lease held: if no sandbox link but except is forwarded
 * for, the uplinks whose forwarding torgate turned on (forward_guard) stop
 * forwarding, and then leave the guard. */
void forwarding_settle(struct nl_sock *sk, const char *except);
/* Waits (a few seconds at most) until the link named ifname is gone. */
void host_link_wait_gone(struct nl_sock *sk, const char *ifname);

/* Sandbox side, inside its network namespace: lo and eth0 up, eth0's
 * address, and the default route via the gateway. */
void sandbox_link_configure(const struct slot *slot);
/* An offline sandbox: lo up, nothing else. */
void sandbox_loopback_only(void);

#endif
