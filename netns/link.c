/* libnl-route-3: the veth pair, its addresses and routes, and the uplinks. */
#include "link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "rtnl.h"
#include "ruleset.h"
#include "sysctl.h"
#include "util.h"

static void link_putp(struct rtnl_link **l) { if (*l) rtnl_link_put(*l); }
static void addr_putp(struct rtnl_addr **a) { if (*a) rtnl_addr_put(*a); }
static void route_putp(struct rtnl_route **r) { if (*r) rtnl_route_put(*r); }
static void nladdr_putp(struct nl_addr **a) { if (*a) nl_addr_put(*a); }
static void cache_freep(struct nl_cache **c) { if (*c) nl_cache_free(*c); }
#define autolink __attribute__((cleanup(link_putp)))
#define autoaddr __attribute__((cleanup(addr_putp)))
#define autoroute __attribute__((cleanup(route_putp)))
#define autonladdr __attribute__((cleanup(nladdr_putp)))
#define autocache __attribute__((cleanup(cache_freep)))

static struct nl_addr *addr4(uint32_t addr, unsigned prefixlen)
{
    uint32_t net = htonl(addr);
    struct nl_addr *a = nl_addr_build(AF_INET, &net, sizeof net);
    if (!a)
        die("out of memory");
    nl_addr_set_prefixlen(a, (int)prefixlen);
    return a;
}

static struct rtnl_link *link_get(struct nl_sock *sk, const char *name)
{
    struct rtnl_link *link = NULL;
    int err = rtnl_link_get_kernel(sk, 0, name, &link);
    if (err < 0)
        die("cannot find link %s: %s", name, nl_geterror(err));
    return link;
}

static void link_change(struct nl_sock *sk, struct rtnl_link *link, struct rtnl_link *changes, const char *what)
{
    int err = rtnl_link_change(sk, link, changes, 0);
    if (err < 0)
        die("cannot %s on %s: %s", what, rtnl_link_get_name(link), nl_geterror(err));
}

static void link_up(struct nl_sock *sk, const char *name)
{
    autolink struct rtnl_link *link = link_get(sk, name);
    autolink struct rtnl_link *changes = rtnl_link_alloc();
    if (!changes)
        die("out of memory");
    rtnl_link_set_flags(changes, IFF_UP);
    link_change(sk, link, changes, "bring up the link");
}

static void address_add(struct nl_sock *sk, int ifindex, uint32_t local, unsigned prefixlen)
{
    autoaddr struct rtnl_addr *addr = rtnl_addr_alloc();
    autonladdr struct nl_addr *local_addr = addr4(local, prefixlen);
    if (!addr)
        die("out of memory");
    rtnl_addr_set_ifindex(addr, ifindex);
    rtnl_addr_set_family(addr, AF_INET);
    if (rtnl_addr_set_local(addr, local_addr) < 0)
        die("out of memory");
    int err = rtnl_addr_add(sk, addr, NLM_F_EXCL);
    if (err < 0) {
        char buf[16];
        die("cannot add address %s/%u: %s", format_addr4(local, buf), prefixlen, nl_geterror(err));
    }
}

/* Creates the pair in one message; false if the host name is taken. */
static bool veth_create(struct nl_sock *sk, const char *host_name, pid_t sandbox_pid, uint32_t group)
{
    struct rtnl_link *veth = rtnl_link_veth_alloc();
    if (!veth)
        die("out of memory");
    autolink struct rtnl_link *owned = veth;
    struct rtnl_link *peer = rtnl_link_veth_get_peer(veth);
    rtnl_link_set_name(veth, host_name);
    rtnl_link_set_group(veth, group);
    rtnl_link_set_name(peer, SANDBOX_IFNAME);
    rtnl_link_set_ns_pid(peer, sandbox_pid);
    rtnl_link_put(peer);
    int err = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
    if (err == -NLE_EXIST)
        return false;
    if (err < 0)
        die("cannot create veth %s: %s (is the veth module available?)", host_name, nl_geterror(err));
    return true;
}

static void alloc_link_cache(struct nl_sock *sk, struct nl_cache **cache)
{
    int err = rtnl_link_alloc_cache(sk, AF_UNSPEC, cache);
    if (err < 0)
        die("cannot list links: %s", nl_geterror(err));
}

static struct link_census census_of(struct nl_cache *cache, const char *except, struct slot_set *taken)
{
    struct link_census census = {false, false, 0};
    for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
        struct rtnl_link *link = (struct rtnl_link *)o;
        const char *name = rtnl_link_get_name(link);
        uint32_t index, forwarding = 0;
        if (pool_parse_ifname(name, &index)) {
            if (taken)
                slot_set_add(taken, index);
            if (!(except && strcmp(name, except) == 0))
                census.sandbox_links++;
            if (link_group_forwards(rtnl_link_get_group(link)) && !(except && strcmp(name, except) == 0))
                census.sandbox_forwards = true;
        } else if (rtnl_link_inet_get_conf(link, IPV4_DEVCONF_FORWARDING, &forwarding) == 0 && forwarding)
            census.some_link_forwards = true;
    }
    return census;
}

struct link_census link_census(struct nl_sock *sk, const char *except)
{
    autocache struct nl_cache *cache = NULL;
    alloc_link_cache(sk, &cache);
    return census_of(cache, except, NULL);
}

static void host_link_settings(struct nl_sock *sk, const struct slot *slot, const struct link_plan *plan)
{
    autolink struct rtnl_link *link = link_get(sk, slot->host_ifname);
    autolink struct rtnl_link *changes = rtnl_link_alloc();
    if (!changes)
        die("out of memory");
    /* Strict reverse-path filtering, and per link only what the mode needs:
     * DNAT to Tor on loopback needs route_localnet; clearnet needs forwarding. */
    rtnl_link_inet_set_conf(changes, IPV4_DEVCONF_RP_FILTER, 1);
    rtnl_link_inet_set_conf(changes, IPV4_DEVCONF_ROUTE_LOCALNET, plan->route_localnet);
    rtnl_link_inet_set_conf(changes, IPV4_DEVCONF_FORWARDING, plan->forwarding);
    rtnl_link_inet_set_conf(changes, IPV4_DEVCONF_ACCEPT_REDIRECTS, 0);
    rtnl_link_inet_set_conf(changes, IPV4_DEVCONF_SEND_REDIRECTS, 0);
    /* whose sandbox it is, for the control port filter (rtnl.h) */
    char alias[32];
    snprintf(alias, sizeof alias, SANDBOX_LINK_ALIAS, plan->owner);
    rtnl_link_set_ifalias(changes, alias);
    link_change(sk, link, changes, "set IPv4 options and the owner");

    autofree char *ipv6 = xasprintf("net/ipv6/conf/%s/disable_ipv6", slot->host_ifname);
    sysctl_write_optional(ipv6, "1");

    address_add(sk, rtnl_link_get_ifindex(link), slot->gateway, SLOT_PREFIX_LEN);
    link_up(sk, slot->host_ifname);
}

int host_link_index(struct nl_sock *sk, const struct slot *slot)
{
    autolink struct rtnl_link *link = link_get(sk, slot->host_ifname);
    return rtnl_link_get_ifindex(link);
}

/* Where the search for a free slot starts: anywhere in the pool. Tor isolates
 * sandboxes by their address (IsolateClientAddr), and keeps using a circuit
 * for up to ten minutes: a sandbox given the address another one had just
 * left could share that one's circuits, and an exit could link two
 * applications run one after the other. Starting at a random slot makes that
 * unlikely (one in the pool's slot count, 16384 by default). */
static uint32_t random_slot(const struct prefix4 *pool)
{
    uint32_t r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
        r = (uint32_t)getpid(); /* no worse than the lowest free slot */
    return r % pool_slot_count(pool);
}

/* Slot by slot from a random one, the host's links listed once: for a
 * pool nearly full, and to say when it is full. */
static void search_free_slot(struct nl_sock *sk, const struct prefix4 *pool, pid_t sandbox_pid,
                             const struct link_plan *link, struct slot *slot)
{
    struct slot_set taken;
    uint32_t index = random_slot(pool);

    slot_set_init(&taken, pool_slot_count(pool));
    autocache struct nl_cache *cache = NULL;
    alloc_link_cache(sk, &cache);
    census_of(cache, NULL, &taken);
    for (;;) {
        if (!slot_set_next_free(&taken, index, &index)) {
            char buf[16];
            slot_set_clear(&taken);
            die("address pool %s/%u is exhausted (%u sandboxes running): set a larger [network] pool in "
                "torgate.conf",
                format_addr4(pool->addr, buf), pool->len, pool_slot_count(pool));
        }
        pool_slot(pool, index, slot);
        if (veth_create(sk, slot->host_ifname, sandbox_pid, link->group))
            break;
        slot_set_add(&taken, index); /* another launcher won this one */
    }
    slot_set_clear(&taken);
}

/* A link's name is its slot, and the kernel refuses a name that is taken:
 * a few random slots are tried first, with no listing of the host's links,
 * whose cost grows with the number of sandboxes running (1.3 ms with 200).
 * Only when they all are taken is the pool searched. */
#define RANDOM_SLOT_TRIES 8

void host_link_create(struct nl_sock *sk, const struct prefix4 *pool, pid_t sandbox_pid,
                      const struct link_plan *link, struct slot *slot)
{
    bool created = false;
    for (int i = 0; i < RANDOM_SLOT_TRIES && !created; i++) {
        pool_slot(pool, random_slot(pool), slot);
        created = veth_create(sk, slot->host_ifname, sandbox_pid, link->group);
    }
    if (!created)
        search_free_slot(sk, pool, sandbox_pid, link, slot);
    debug("claimed %s", slot->host_ifname);
    host_link_settings(sk, slot, link);
}

void host_link_delete(struct nl_sock *sk, const char *ifname)
{
    autolink struct rtnl_link *link = rtnl_link_alloc();
    if (!link)
        return;
    rtnl_link_set_name(link, ifname);
    int err = rtnl_link_delete(sk, link);
    if (err < 0 && err != -NLE_NODEV && err != -NLE_OBJ_NOTFOUND)
        fprintf(stderr, "torgate: cannot delete %s: %s\n", ifname, nl_geterror(err));
}

static void set_forwarding(struct nl_sock *sk, struct rtnl_link *link, bool on)
{
    autolink struct rtnl_link *changes = rtnl_link_alloc();
    if (!changes)
        die("out of memory");
    rtnl_link_inet_set_conf(changes, IPV4_DEVCONF_FORWARDING, on);
    link_change(sk, link, changes, on ? "enable IPv4 forwarding" : "disable IPv4 forwarding");
}

void link_set_forwarding(struct nl_sock *sk, const char *ifname, bool on)
{
    autolink struct rtnl_link *link = NULL;
    if (rtnl_link_get_kernel(sk, 0, ifname, &link) < 0) {
        if (on)
            die("cannot find link %s", ifname);
        return; /* gone: nothing forwards there */
    }
    set_forwarding(sk, link, on);
}

void host_link_wait_gone(struct nl_sock *sk, const char *ifname)
{
    /* The kernel deletes the veth when it tears the sandbox's network
     * namespace down, moments after its last process exits. */
    for (int i = 0; i < 400; i++) {
        autolink struct rtnl_link *link = NULL;
        if (rtnl_link_get_kernel(sk, 0, ifname, &link) < 0)
            return;
        struct timespec five_ms = {0, 5 * 1000 * 1000};
        nanosleep(&five_ms, NULL);
    }
}

struct uplink_search {
    struct nl_sock *sk;
    struct uplink *found;
    size_t n, max;
};

static void add_uplink(struct uplink_search *search, int ifindex)
{
    autolink struct rtnl_link *link = NULL;
    int err = rtnl_link_get_kernel(search->sk, ifindex, NULL, &link);
    if (err < 0)
        die("cannot read uplink %d: %s", ifindex, nl_geterror(err));
    struct uplink *up = &search->found[search->n++];
    uint32_t forwarding = 0;
    snprintf(up->name, sizeof up->name, "%s", rtnl_link_get_name(link));
    up->forwarding = rtnl_link_inet_get_conf(link, IPV4_DEVCONF_FORWARDING, &forwarding) == 0 && forwarding;
}

static void on_route(struct nl_object *o, void *arg)
{
    struct uplink_search *search = arg;
    struct rtnl_route *route = (struct rtnl_route *)o;
    struct nl_addr *dst = rtnl_route_get_dst(route);
    if (rtnl_route_get_table(route) != RT_TABLE_MAIN || rtnl_route_get_type(route) != RTN_UNICAST ||
        (dst && nl_addr_get_prefixlen(dst) != 0))
        return;
    for (int i = 0; i < rtnl_route_get_nnexthops(route) && search->n < search->max; i++) {
        int ifindex = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(route, i));
        if (ifindex > 0)
            add_uplink(search, ifindex);
    }
}

size_t uplinks_find(struct nl_sock *sk, struct uplink *found, size_t max)
{
    autocache struct nl_cache *routes = NULL;
    int err = rtnl_route_alloc_cache(sk, AF_INET, 0, &routes);
    if (err < 0)
        die("cannot list routes: %s", nl_geterror(err));
    struct uplink_search search = {sk, found, 0, max};
    nl_cache_foreach(routes, on_route, &search);
    return search.n;
}

static void default_route_add(struct nl_sock *sk, int ifindex, uint32_t gateway)
{
    autoroute struct rtnl_route *route = rtnl_route_alloc();
    autonladdr struct nl_addr *dst = addr4(0, 0);
    struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
    if (!route || !nh)
        die("out of memory");
    struct nl_addr *gw = addr4(gateway, 32);
    rtnl_route_nh_set_ifindex(nh, ifindex);
    rtnl_route_nh_set_gateway(nh, gw);
    nl_addr_put(gw);
    rtnl_route_add_nexthop(route, nh); /* the route owns nh now */
    rtnl_route_set_family(route, AF_INET);
    rtnl_route_set_table(route, RT_TABLE_MAIN);
    rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
    rtnl_route_set_protocol(route, RTPROT_STATIC);
    if (rtnl_route_set_dst(route, dst) < 0)
        die("out of memory");
    int err = rtnl_route_add(sk, route, NLM_F_EXCL);
    if (err < 0)
        die("cannot add the sandbox's default route: %s", nl_geterror(err));
}

/* One flag on one link: SIOCSIFFLAGS, without the netlink socket, link
 * object and reply parsing that libnl's first use in a freshly forked
 * process costs (0.7 ms of an offline launch). */
void sandbox_loopback_only(void)
{
    autoclose int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr = {.ifr_name = "lo"};
    if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
        die_with_error("cannot find link lo");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
        die_with_error("cannot bring up the link on lo");
}

void loopback_address_add(uint32_t address)
{
    autonetlink struct nl_sock *sk = netlink_open();
    autolink struct rtnl_link *lo = link_get(sk, "lo");
    address_add(sk, rtnl_link_get_ifindex(lo), address, 32);
}

void sandbox_link_configure(const struct slot *slot)
{
    autonetlink struct nl_sock *sk = netlink_open();
    link_up(sk, "lo");
    autolink struct rtnl_link *eth = link_get(sk, SANDBOX_IFNAME);
    address_add(sk, rtnl_link_get_ifindex(eth), slot->address, SLOT_PREFIX_LEN);
    link_up(sk, SANDBOX_IFNAME);
    default_route_add(sk, rtnl_link_get_ifindex(eth), slot->gateway);
}
