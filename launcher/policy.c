/* Who may use a profile, and what a profile amounts to on the host. */
#include "policy.h"

#include <grp.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "ruleset.h"
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
static void check_service_ports(const struct torgate_config *cfg, const struct profile *p)
{
    struct host_service taken[5];
    size_t n = 0;
    if (p->mode == MODE_TOR) {
        taken[n++] = (struct host_service){IPPROTO_UDP, 53};
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
            if (p->services.list[i].proto == taken[k].proto && p->services.list[i].port == taken[k].port)
                die("%s:%d: host service %s/%u is the gateway's port for %s already", p->path,
                    p->lines[KEY_SERVICES], taken[k].proto == IPPROTO_TCP ? "tcp" : "udp", taken[k].port,
                    p->mode == MODE_I2P ? "the I2P router" : "Tor");
}

void policy_authorize(const struct torgate_config *cfg, const struct profile *p)
{
    check_service_ports(cfg, p);
    if (p->mode != MODE_CLEARNET && !p->gated)
        return;
    /* Whatever a clearnet profile grants stays gated, however narrowed. */
    const char *what = p->mode == MODE_CLEARNET ? "reaches the network without Tor"
                                                : "stands in for a profile that reaches the network without Tor";
    if (!cfg->clearnet_group)
        die("profile '%s' %s, which is off on this computer: an administrator "
            "can allow it for a group with [clearnet] group in torgate.conf",
            p->name, what);
    struct group *gr = getgrnam(cfg->clearnet_group);
    if (!gr)
        die("profile '%s' is for members of group '%s', which does not exist: ask your administrator", p->name,
            cfg->clearnet_group);
    if (!in_group(gr->gr_gid))
        die("profile '%s' %s and is for members of group '%s' only", p->name, what, cfg->clearnet_group);
}

uint32_t policy_link_group(const struct profile *p)
{
    static const uint32_t kinds[] = {
        [MODE_TOR] = LINK_GROUP_TOR, [MODE_CLEARNET] = LINK_GROUP_CLEARNET, [MODE_I2P] = LINK_GROUP_I2P,
        [MODE_OFFLINE] = 0, /* offline sandboxes have no link */
    };
    uint32_t group = kinds[p->mode];
    if (p->lan)
        group |= LINK_GROUP_LAN;
    if (p->dns == DNS_NONE)
        group |= LINK_GROUP_NO_DNS;
    return group;
}

static void explain_services(FILE *out, const struct profile *p)
{
    if (!p->services.count) {
        fputs("none\n", out);
        return;
    }
    for (size_t i = 0; i < p->services.count; i++)
        fprintf(out, "%s%s/%u", i ? ", " : "", p->services.list[i].proto == IPPROTO_TCP ? "tcp" : "udp",
                p->services.list[i].port);
    fputs(" (at the gateway, leading to the host's 127.0.0.1)\n", out);
}

void policy_explain(FILE *out, const struct torgate_config *cfg, const struct profile *p)
{
    fprintf(out, "profile          %s (%s)\n", p->name, p->path);
    fprintf(out, "mode             %s\n", net_mode_name(p->mode));
    fprintf(out, "dns              %s\n", dns_mode_name(p->dns));
    fprintf(out, "lan              %s\n", p->lan ? "allow (never DNS to the LAN)" : "deny");
    fputs("host services    ", out);
    explain_services(out, p);
    fprintf(out, "proxy-env        %s\n", p->proxy_env ? "yes" : "no");
    fprintf(out, "user namespaces  %s\n", p->user_namespaces ? "allow" : "deny");
    if (p->mode == MODE_OFFLINE) {
        fputs("\nAn offline sandbox has loopback only: no link, no firewall rules.\n", out);
        return;
    }
    fprintf(out, "link group       0x%x (sandbox links tgN; the rules below match on it)\n", policy_link_group(p));
    autofree char *rules = ruleset_render(cfg);
    fputs("\n# The host's table, shared by every sandbox, installed as one transaction:\n", out);
    fputs(rules, out);
    if (p->services.count) {
        autofree char *elements = ruleset_render_services(0, &p->services);
        fputs("\n# Per sandbox, with IFINDEX its link's index:\n", out);
        for (const char *c = elements; *c; c++) {
            if (strncmp(c, " 0 . ", 5) == 0 && c[-1] == '{') {
                fputs(" IFINDEX . ", out);
                c += 4;
            } else
                fputc(*c, out);
        }
    }
}
