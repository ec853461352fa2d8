/* See rtnl.h. */
#include "rtnl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
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
    static const char prefix[] = "torgate uid=";
    bool ok = false;
    if (alias && strncmp(alias, prefix, sizeof prefix - 1) == 0 && alias[sizeof prefix - 1] >= '0' &&
        alias[sizeof prefix - 1] <= '9') {
        char *end;
        errno = 0;
        unsigned long v = strtoul(alias + sizeof prefix - 1, &end, 10);
        ok = !*end && !errno && v <= UINT_MAX;
        *uid = (unsigned)v;
    }
    rtnl_link_put(link);
    return ok;
}
