/* A NETLINK_ROUTE socket (libnl-route-3), and the mark a sandbox's host
 * link carries of whose it is: shared by the launcher (netns/link.c) and
 * the control port filter, which reads the mark and holds no capability. */
#ifndef TORGATE_RTNL_H
#define TORGATE_RTNL_H

#include <stdbool.h>
#include <stddef.h>

struct nl_sock;

/* A NETLINK_ROUTE socket in the caller's current network namespace. */
struct nl_sock *netlink_open(void);
void netlink_close(struct nl_sock **sk);
#define autonetlink __attribute__((cleanup(netlink_close)))

/* The host end of a sandbox's veth says whose sandbox it is in its alias
 * (IFLA_IFALIAS), which only CAP_NET_ADMIN in the host's network
 * namespace can write: "torgate uid=UID". */
#define SANDBOX_LINK_ALIAS "torgate uid=%u" /* link_owner() reads it back */
/* The uid that link's alias names; false if the link is gone or its alias
 * is not torgate's. */
bool link_owner(struct nl_sock *sk, const char *ifname, unsigned *uid);

#endif
