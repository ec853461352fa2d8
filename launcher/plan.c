/* See plan.h: what each mode and each profile key amounts to. */
#include "plan.h"

#include <netinet/in.h>
#include <string.h>

#include "ruleset.h"
#include "util.h"

/* The link group each mode's links carry (ruleset.h). */
static const uint32_t mode_groups[] = {
    [MODE_TOR] = LINK_GROUP_TOR,
    [MODE_CLEARNET] = LINK_GROUP_CLEARNET,
    [MODE_I2P] = LINK_GROUP_I2P,
    [MODE_OFFLINE] = 0, /* no link */
};

static struct link_plan plan_link(const struct profile *p)
{
    struct link_plan link = {.group = mode_groups[p->mode]};
    if (p->lan)
        link.group |= LINK_GROUP_LAN;
    if (p->dns == DNS_NONE)
        link.group |= LINK_GROUP_NO_DNS;
    link.forwarding = link_group_forwards(link.group);
    link.route_localnet = p->mode == MODE_TOR || p->mode == MODE_I2P;
    return link;
}

static struct proxy_plan plan_proxy(const struct torgate_config *cfg, const struct profile *p)
{
    if (!p->proxy_env)
        return (struct proxy_plan){.set = false};
    if (p->mode == MODE_TOR)
        return (struct proxy_plan){true, cfg->http_tunnel_port.port, "socks5h", cfg->socks_port.port};
    if (p->mode == MODE_I2P)
        return (struct proxy_plan){true, cfg->i2p_http_proxy.port, "http", cfg->i2p_http_proxy.port};
    return (struct proxy_plan){.set = false}; /* clearnet and offline: nothing to point at */
}

static void plan_control(struct plan *plan, const struct caller *caller)
{
    plan->services = plan->profile->services;
    if (!caller || !caller->control)
        return;
    plan->control = (struct control_plan){caller->control->port, caller->control->onion_services, caller->tor_uid};
    struct host_service filter = {IPPROTO_TCP, caller->control->port};
    bool listed = false;
    for (size_t i = 0; i < plan->services.count; i++)
        listed |= plan->services.list[i].proto == filter.proto && plan->services.list[i].port == filter.port;
    if (!listed && plan->services.count < MAX_HOST_SERVICES)
        plan->services.list[plan->services.count++] = filter;
}

/* Tor, I2P and offline sandboxes get a generic machine: a hostname and a
 * machine-id that name nothing, so that what an app sends through Tor
 * neither names the machine nor links two sandboxes. A clearnet sandbox
 * shows the network who it is anyway. */
static struct view_plan plan_view(const struct profile *p)
{
    bool generic_machine = p->mode != MODE_CLEARNET;
    return (struct view_plan){
        .hostname = generic_machine ? GENERIC_HOSTNAME : NULL,
        .own_machine_id = generic_machine,
        .generic_account = p->account == VIEW_GENERIC,
        .utc = p->timezone == VIEW_GENERIC,
    };
}

void plan_build(struct plan *plan, const struct torgate_config *cfg, const struct profile *p,
                const struct caller *caller)
{
    bool networked = p->mode != MODE_OFFLINE;
    *plan = (struct plan){
        .cfg = cfg,
        .profile = p,
        .networked = networked,
        .tor_port_warning = p->mode == MODE_TOR,
        .link = networked ? plan_link(p) : (struct link_plan){0},
        .seccomp = {.mode = p->mode,
                    .allow_dns = p->dns == DNS_TOR,
                    .socks_port = p->mode == MODE_TOR ? cfg->socks_port.port : 0,
                    .dns_resolver = p->dns_all_types ? cfg->dns_resolver : (struct endpoint4){0},
                    .allow_lan = p->lan,
                    .pool = cfg->pool,
                    .allow_user_namespaces = p->user_namespaces,
                    .datagram_island = p->mode == MODE_TOR && !p->lan},
        .dns = p->dns,
        .proxy = plan_proxy(cfg, p),
        .view = plan_view(p),
    };
    plan->uplink_forwarding = networked && plan->link.forwarding;
    plan->link.owner = caller ? caller->uid : 0;
    startup_list_build(&plan->startup, cfg->session_read_only);
    if (caller) {
        plan->argv = caller->argv;
        plan->cwd = caller->cwd;
        plan->home = caller->home;
        plan->user_config_dir = caller->user_config_dir;
        plan->clearnet_resolvers = caller->clearnet_resolvers;
    }
    plan_control(plan, caller);
    desktop_plan_build(&plan->desktop, p, caller ? caller->desktop : NULL, caller ? caller->uid : 0);
}

static void explain_services(FILE *out, const struct host_services *s)
{
    if (!s->count) {
        fputs("none\n", out);
        return;
    }
    for (size_t i = 0; i < s->count; i++)
        fprintf(out, "%s%s/%u", i ? ", " : "", s->list[i].proto == IPPROTO_TCP ? "tcp" : "udp", s->list[i].port);
    fputs(" (at the gateway, leading to the host's 127.0.0.1)\n", out);
}

static void explain_display(FILE *out, unsigned display)
{
    fprintf(out, "display          %s%s%s%s\n", display ? "" : "none", display & DISPLAY_WAYLAND ? "wayland" : "",
            display == (DISPLAY_WAYLAND | DISPLAY_X11) ? ", " : "",
            display & DISPLAY_X11 ? "x11 (any X client reads and types into every other window)" : "");
}

static void explain_bus(FILE *out, const struct bus_policy *b, const char *label)
{
    fprintf(out, "%s %s", label, b->filtered ? "filtered (xdg-dbus-proxy)" : "none");
    for (int v = 0; v < BUS_VERBS; v++)
        for (size_t i = 0; i < b->verbs[v].count; i++)
            fprintf(out, "; %s %s", bus_verb_name((enum bus_verb)v), b->verbs[v].rule[i]);
    fputc('\n', out);
}

static void explain_session(FILE *out, const struct profile *p)
{
    explain_display(out, p->display);
    fprintf(out, "sound            %s\n",
            p->sound ? "allow (a PulseAudio of its own, tunnelled to the session's; no module loading)" : "deny");
    fprintf(out, "accessibility    %s\n",
            p->accessibility ? "allow (the accessibility bus, filtered: screen readers read the app, the app drives "
                               "no other application); only:"
                             : "deny");
    if (p->accessibility)
        bus_a11y_explain(out, "                   ");
    fputs("own-dirs         ", out);
    for (size_t i = 0; i < p->own_dirs.count; i++)
        fprintf(out, "%s%s", i ? ", " : "", p->own_dirs.path[i]);
    if (p->own_dirs.count)
        fprintf(out, " (kept in ~/" OWN_DIRS_STORE "/%s)\n", p->name);
    else
        fputs("none\n", out);
    explain_bus(out, &p->buses[BUS_SESSION], "session bus     ");
    explain_bus(out, &p->buses[BUS_SYSTEM], "system bus      ");
}

static void explain_profile(FILE *out, const struct profile *p)
{
    fprintf(out, "profile          %s (%s)\n", p->name, p->path);
    fprintf(out, "mode             %s\n", net_mode_name(p->mode));
    fprintf(out, "dns              %s%s\n", dns_mode_name(p->dns), p->dns_all_types ? "; dns-types all" : "");
    fprintf(out, "lan              %s\n", p->lan ? "allow (never DNS to the LAN)" : "deny");
    fputs("host services    ", out);
    explain_services(out, &p->services);
    fprintf(out, "control-port     %s%s\n", p->control_port[0] ? p->control_port : "none",
            p->control_port[0] ? " (Tor's control port through torgate-control-filter, that allowlist only)" : "");
    fprintf(out, "proxy-env        %s\n", p->proxy_env ? "yes" : "no");
    fprintf(out, "user namespaces  %s\n", p->user_namespaces ? "allow" : "deny");
    fprintf(out, "account          %s\n", p->account == VIEW_GENERIC ? "generic" : "real");
    fprintf(out, "timezone         %s\n", p->timezone == VIEW_GENERIC ? "utc" : "host");
    explain_session(out, p);
    if (p->gated)
        fputs("gated            stands in for a clearnet profile: for the [clearnet] group only\n", out);
}

static void explain_decisions(FILE *out, const struct plan *plan)
{
    const struct seccomp_policy *s = &plan->seccomp;
    fputs("\n# The plan\n", out);
    fprintf(out, "seccomp          %s; datagrams: %s%s\n",
            s->mode == MODE_TOR ? "connect and send supervised by the sandbox's init" : "no supervision",
            s->mode == MODE_I2P ? "none" : s->mode == MODE_TOR ? "the gateway's port 53" : "the kernel's rules",
            s->mode == MODE_TOR && s->allow_lan ? ", and the LAN but its port 53" : "");
    if (plan->profile->dns_all_types && !s->dns_resolver.port)
        fputs("dns types        every type asked for, but torgate.conf names no [dns] resolver: refused\n", out);
    if (s->dns_resolver.port) {
        char addr[16];
        fprintf(out, "dns types        every type: not A, AAAA, PTR nor .onion over TCP through the SocksPort to "
                "%s:%u; UDP and TCP\n", format_addr4(s->dns_resolver.addr, addr), s->dns_resolver.port);
    }
    fprintf(out, "resolv.conf      %s\n", plan->dns == DNS_TOR        ? "the gateway (Tor's DNSPort)"
                                          : plan->dns == DNS_CLEARNET ? "the clearnet resolvers"
                                                                      : "no resolver");
    fprintf(out, "machine          %s; account %s; time zone %s\n",
            plan->view.hostname ? "generic (hostname " GENERIC_HOSTNAME ", a machine-id of its own)" : "the host's",
            plan->view.generic_account ? "generic (no full name)" : "real", plan->view.utc ? "UTC" : "the host's");
    fprintf(out, "read-only        %zu startup files and directories of the home (torgate.profile(5))\n",
            plan->startup.count);
    if (s->allow_dns || s->socks_port)
        fprintf(out, "guards           in the sandbox's init, hostnames only go on to Tor:%s%s%s\n",
                s->allow_dns ? " DNS to the gateway" : "", s->allow_dns && s->socks_port ? "," : "",
                s->socks_port ? " SOCKS to the gateway's SocksPort" : "");
    if (plan->control.port)
        fprintf(out, "control port     127.0.0.1:9051 inside, led to the filter at GATEWAY:%u; TOR_CONTROL_HOST and "
                "TOR_CONTROL_PORT set%s\n", plan->control.port,
                plan->control.onion_targets ? "; its onion services: tor's user connects to it, sent on to its loopback"
                                            : "");
    if (plan->proxy.set)
        fprintf(out, "proxy variables  ALL_PROXY=%s://GATEWAY:%u%s\n", plan->proxy.all_scheme, plan->proxy.all_port,
                plan->proxy.http_port ? ", http(s)_proxy at the gateway" : "");
    if (!plan->networked)
        return;
    fprintf(out, "link group       0x%x (sandbox links tgN; the rules below match on it)\n", plan->link.group);
    fprintf(out, "host end         forwarding %s, route_localnet %s\n", plan->link.forwarding ? "on" : "off",
            plan->link.route_localnet ? "on" : "off");
    fprintf(out, "uplinks          %s\n", plan->uplink_forwarding
                                              ? "forward while it runs (guarded; off again after the last such sandbox)"
                                              : "untouched");
}

void plan_explain(FILE *out, const struct plan *plan)
{
    const struct profile *p = plan->profile;
    explain_profile(out, p);
    explain_decisions(out, plan);
    if (!plan->networked) {
        fputs("\nAn offline sandbox has loopback only: no link, no firewall rules.\n", out);
        return;
    }
    autofree char *rules = ruleset_render(plan->cfg);
    fputs("\n# The host's table, shared by every sandbox, installed as one transaction:\n", out);
    fputs(rules, out);
    if (plan->services.count) {
        autofree char *elements = ruleset_render_services("IFINDEX", &plan->services);
        fputs("\n# Per sandbox, with IFINDEX its link's index:\n", out);
        fputs(elements, out);
    }
}
