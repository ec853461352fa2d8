/* See rtnl.h. */
#include "rtnl.h"

#include <stdio.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "util.h"

struct nl_sock *netlink_open(void)
{
    struct nl_sock *sk = nl_socket_alloc();
    if (!sk)
        die("out of memory");
    int err = nl_connect(sk, NETLINK_ROUTE);
    if (err < 0) {
        nl_socket_free(sk);
        die("cannot open a netlink socket: %s", nl_geterror(err));
    }
    return sk;
}

void netlink_close(struct nl_sock **sk)
{
    if (*sk)
        nl_socket_free(*sk);
    *sk = NULL;
}

bool link_owner(struct nl_sock *sk, const char *ifname, unsigned *uid)
{
    struct rtnl_link *link = NULL;
    if (rtnl_link_get_kernel(sk, 0, ifname, &link) < 0)
        return false;
    const char *alias = rtnl_link_get_ifalias(link);
    char rest;
    bool ok = alias && sscanf(alias, SANDBOX_LINK_ALIAS "%c", uid, &rest) == 1;
    rtnl_link_put(link);
    return ok;
}
