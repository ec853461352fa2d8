/* Who may use a profile, and what a profile amounts to on the host. */
#include "policy.h"

#include <grp.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static bool in_group(gid_t gid)
{
    if (getgid() == gid || getegid() == gid)
        return true;
    int n = getgroups(0, NULL);
    if (n <= 0)
        return false;
    autofree gid_t *groups = xcalloc((size_t)n, sizeof *groups);
    n = getgroups(n, groups);
    for (int i = 0; i < n; i++)
        if (groups[i] == gid)
            return true;
    return false;
}

/* A host service on a port the gateway already leads elsewhere (Tor's or
 * the I2P router's) would quietly take that port over. */
static bool check_service_ports(const struct torgate_config *cfg, const struct profile *p, char **err)
{
    struct host_service taken[7];
    size_t n = 0;
    /* Tor's ControlPort is all of Tor's control: no sandbox reaches it
     * (control-port = NAME gives a filtered one). */
    taken[n++] = (struct host_service){IPPROTO_TCP, cfg->control_port.port};
    if (p->mode == MODE_TOR) {
        taken[n++] = (struct host_service){IPPROTO_UDP, 53};
        if (p->dns_all_types)
            taken[n++] = (struct host_service){IPPROTO_TCP, 53};
        taken[n++] = (struct host_service){IPPROTO_TCP, cfg->socks_port.port};
        if (cfg->http_tunnel_port.port)
            taken[n++] = (struct host_service){IPPROTO_TCP, cfg->http_tunnel_port.port};
    } else if (p->mode == MODE_I2P) {
        taken[n++] = (struct host_service){IPPROTO_TCP, cfg->i2p_http_proxy.port};
        taken[n++] = (struct host_service){IPPROTO_TCP, cfg->i2p_https_proxy.port};
        taken[n++] = (struct host_service){IPPROTO_TCP, cfg->i2p_sam.port};
    }
    for (size_t i = 0; i < p->services.count; i++)
        for (size_t k = 0; k < n; k++)
            if (p->services.list[i].proto == taken[k].proto && p->services.list[i].port == taken[k].port) {
                *err = k == 0 ? xasprintf("%s:%d: host service tcp/%u is Tor's ControlPort, which no sandbox "
                                          "reaches (control-port = NAME gives a filtered one)",
                                          p->path, p->lines[KEY_SERVICES], taken[k].port)
                              : xasprintf("%s:%d: host service %s/%u is the gateway's port for %s already", p->path,
                                          p->lines[KEY_SERVICES], taken[k].proto == IPPROTO_TCP ? "tcp" : "udp",
                                          taken[k].port, p->mode == MODE_I2P ? "the I2P router" : "Tor");
                return false;
            }
    return true;
}

/* Whatever a clearnet profile grants stays gated, however narrowed. */
static bool check_clearnet_group(const struct torgate_config *cfg, const struct profile *p, char **err)
{
    if (p->mode != MODE_CLEARNET && !p->gated)
        return true;
    const char *what = p->mode == MODE_CLEARNET ? "reaches the network without Tor"
                                                : "stands in for a profile that reaches the network without Tor";
    struct group *gr = cfg->clearnet_group ? getgrnam(cfg->clearnet_group) : NULL;
    if (!cfg->clearnet_group)
        *err = xasprintf("profile '%s' %s, which is off on this computer: an administrator can allow it for a "
                         "group with [clearnet] group in torgate.conf",
                         p->name, what);
    else if (!gr)
        *err = xasprintf("profile '%s' is for members of group '%s', which does not exist: ask your administrator",
                         p->name, cfg->clearnet_group);
    else if (!in_group(gr->gr_gid))
        *err = xasprintf("profile '%s' %s and is for members of group '%s' only", p->name, what,
                         cfg->clearnet_group);
    else
        return true;
    return false;
}

/* Every DNS type needs a resolver that the administrator chose: one
 * resolver's operator sees every such query (the design's reason for no
 * default). */
static bool check_dns_resolver(const struct torgate_config *cfg, const struct profile *p, char **err)
{
    if (!p->dns_all_types || cfg->dns_resolver.port)
        return true;
    *err = xasprintf("%s:%d: dns-types = all needs a resolver, and torgate.conf names none: an administrator can "
                     "set one with [dns] resolver = ADDRESS:PORT",
                     p->path, p->lines[KEY_DNS_TYPES]);
    return false;
}

bool policy_authorize(const struct torgate_config *cfg, const struct profile *p, char **err)
{
    return check_service_ports(cfg, p, err) && check_clearnet_group(cfg, p, err) && check_dns_resolver(cfg, p, err);
}
