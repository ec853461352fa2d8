/* The text of torgate's nftables table. Pure: unit-tested without a kernel. */
#include "ruleset.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>

#include "addresses.h"
#include "pool.h"
#include "text.h"
#include "profile.h"
#include "util.h"

/* Base chains: name, hook definition. */
static const char *const chains[][2] = {
    {"sandbox_prerouting", "type filter hook prerouting priority raw; policy accept;"},
    {"sandbox_dnat", "type nat hook prerouting priority dstnat; policy accept;"},
    {"sandbox_input", "type filter hook input priority filter; policy accept;"},
    {"sandbox_output", "type filter hook output priority filter; policy accept;"},
    {"sandbox_forward", "type filter hook forward priority filter; policy accept;"},
    {"sandbox_snat", "type nat hook postrouting priority srcnat; policy accept;"},
    {"tor_dnat", NULL},
    {"i2p_dnat", NULL},
    {"host_services_dnat", NULL},
    {"from_sandbox_to_host", NULL},
    {"from_host_to_sandbox", NULL},
    {"from_sandbox_outward", NULL},
    {"to_sandbox_inward", NULL},
};

static void emit(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
}

static void render_skeleton(FILE *out)
{
    emit(out, "table inet " FIREWALL_TABLE " {\n");
    emit(out, "\tset forward_guard { type ifname; }\n");
    emit(out, "\tset uplinks { type ifname; }\n");
    emit(out, "\tset forwarding_lease { type mark; flags timeout; }\n");
    emit(out, "\tset host_services { type iface_index . inet_proto . inet_service; }\n");
    emit(out, "\tset onion_targets { type iface_index . uid; }\n");
    for (size_t i = 0; i < N_ELEMENTS(chains); i++)
        emit(out, "\tchain %s { %s }\n", chains[i][0], chains[i][1] ? chains[i][1] : "");
    emit(out, "}\n");
    for (size_t i = 0; i < N_ELEMENTS(chains); i++)
        emit(out, "flush chain inet " FIREWALL_TABLE " %s\n", chains[i][0]);
}

static void rule(FILE *out, const char *chain, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void rule(FILE *out, const char *chain, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(out, "add rule inet " FIREWALL_TABLE " %s ", chain);
    vfprintf(out, fmt, ap);
    emit(out, "\n");
    va_end(ap);
}

#define SANDBOX "iifname \"" HOST_IFNAME_PREFIX "*\""
#define TO_SANDBOX "oifname \"" HOST_IFNAME_PREFIX "*\""
/* "the link is of this kind": format, then its two arguments */
#define IS_KIND(dir) "meta " dir "group & 0x%x == 0x%x"

/* The gateway's PORT leads to the host's ep. */
static void gateway_dnat(FILE *out, const char *chain, const char *proto, uint16_t port, const struct endpoint4 *ep)
{
    char addr[16];
    rule(out, chain, "fib daddr . iif type local %s dport %u dnat ip to %s:%u", proto, port,
         format_addr4(ep->addr, addr), ep->port);
}

static void render_prerouting(FILE *out, const struct torgate_config *cfg)
{
    autofree char *lan = lan_direct_nft(&cfg->pool);
    /* Before conntrack: no IPv6 at all, and no source address but the
     * sandbox's own (the reverse path must lead back to the same link). */
    rule(out, "sandbox_prerouting", SANDBOX " meta nfproto ipv6 drop");
    rule(out, "sandbox_prerouting", SANDBOX " fib saddr . iif oif missing drop");
    /* dns = none: no DNS anywhere. lan = allow in tor mode: never DNS to the LAN. */
    rule(out, "sandbox_prerouting", SANDBOX " meta iifgroup & 0x%x == 0x%x udp dport 53 drop", LINK_GROUP_NO_DNS,
         LINK_GROUP_NO_DNS);
    rule(out, "sandbox_prerouting", SANDBOX " meta iifgroup & 0x%x == 0x%x %s th dport 53 drop",
         LINK_GROUP_KIND_MASK | LINK_GROUP_LAN, LINK_GROUP_TOR | LINK_GROUP_LAN, lan);
}

static void render_dnat(FILE *out, const struct torgate_config *cfg)
{
    autofree char *lan = lan_direct_nft(&cfg->pool);
    rule(out, "sandbox_dnat", SANDBOX " " IS_KIND("iif") " jump tor_dnat", LINK_GROUP_KIND_MASK, LINK_GROUP_TOR);
    rule(out, "sandbox_dnat", SANDBOX " " IS_KIND("iif") " jump i2p_dnat", LINK_GROUP_KIND_MASK, LINK_GROUP_I2P);
    /* The local services whitelist: the gateway's PORT leads to the same
     * port on the host's loopback, for the links granted it. */
    rule(out, "host_services_dnat",
         "iif . meta l4proto . th dport @host_services fib daddr . iif type local dnat ip to 127.0.0.1");

    /* Tor mode: DNS to the gateway goes to the DNSPort, the gateway's
     * SocksPort port to the SocksPort, and every other TCP connection, to any
     * address and port (automapped ones included), to the TransPort. */
    rule(out, "tor_dnat", "jump host_services_dnat");
    gateway_dnat(out, "tor_dnat", "udp", 53, &cfg->dns_port);
    gateway_dnat(out, "tor_dnat", "tcp", cfg->socks_port.port, &cfg->socks_port);
    if (cfg->http_tunnel_port.port)
        gateway_dnat(out, "tor_dnat", "tcp", cfg->http_tunnel_port.port, &cfg->http_tunnel_port);
    /* lan = allow: the LAN directly, but never what only Tor can carry
     * (automapped names) nor the pool. */
    rule(out, "tor_dnat", "meta iifgroup & 0x%x == 0x%x %s return", LINK_GROUP_LAN, LINK_GROUP_LAN, lan);
    char trans[16];
    rule(out, "tor_dnat", "meta l4proto tcp dnat ip to %s:%u", format_addr4(cfg->trans_port.addr, trans),
         cfg->trans_port.port);

    /* I2P mode: the router's HTTP and HTTPS proxies and SAM, at the gateway. */
    rule(out, "i2p_dnat", "jump host_services_dnat");
    gateway_dnat(out, "i2p_dnat", "tcp", cfg->i2p_http_proxy.port, &cfg->i2p_http_proxy);
    gateway_dnat(out, "i2p_dnat", "tcp", cfg->i2p_https_proxy.port, &cfg->i2p_https_proxy);
    gateway_dnat(out, "i2p_dnat", "tcp", cfg->i2p_sam.port, &cfg->i2p_sam);
}

static void render_host(FILE *out)
{
    /* Of the host, a sandbox reaches what the translations above lead to and
     * nothing else; a clearnet sandbox (or a link of no known kind) nothing. */
    rule(out, "sandbox_input", SANDBOX " jump from_sandbox_to_host");
    rule(out, "from_sandbox_to_host", "ct state invalid drop");
    rule(out, "from_sandbox_to_host", "meta iifgroup & 0x%x != 0x%x meta iifgroup & 0x%x != 0x%x drop",
         LINK_GROUP_KIND_MASK, LINK_GROUP_TOR, LINK_GROUP_KIND_MASK, LINK_GROUP_I2P);
    rule(out, "from_sandbox_to_host", "ct status dnat accept");
    /* Replies to what the host opened: only tor opens anything towards a
     * sandbox (below), to its onion services. */
    rule(out, "from_sandbox_to_host", "ct direction reply accept");
    rule(out, "from_sandbox_to_host", "drop");

    /* The host answers; it opens nothing towards a sandbox. No RELATED
     * packets but ICMP, so that a refused connection fails at once. */
    rule(out, "sandbox_output", TO_SANDBOX " jump from_host_to_sandbox");
    rule(out, "from_host_to_sandbox", "ct state established accept");
    rule(out, "from_host_to_sandbox", "ct state related meta l4proto icmp accept");
    /* But tor, to the onion services of a sandbox whose control port
     * filter allows it to make them (their targets are the sandbox). */
    rule(out, "from_host_to_sandbox", "ct state new oif . meta skuid @onion_targets meta l4proto tcp accept");
    rule(out, "from_host_to_sandbox", "drop");
}

static void render_forward(FILE *out, const struct torgate_config *cfg)
{
    char pool[16];
    format_addr4(cfg->pool.addr, pool);
    autofree char *rfc1918 = rfc1918_nft();
    autofree char *lan = lan_direct_nft(&cfg->pool);
    /* Forwarded: clearnet sandboxes, and tor sandboxes with lan = allow to
     * the LAN; only by the uplinks, never to a sandbox or the pool, and only
     * replies come back in. */
    rule(out, "sandbox_forward", SANDBOX " jump from_sandbox_outward");
    rule(out, "sandbox_forward", TO_SANDBOX " jump to_sandbox_inward");
    rule(out, "sandbox_forward", "iifname @forward_guard drop");
    rule(out, "from_sandbox_outward", TO_SANDBOX " drop");
    rule(out, "from_sandbox_outward", "ip daddr %s/%u drop", pool, cfg->pool.len);
    rule(out, "from_sandbox_outward", "ct state invalid drop");
    rule(out, "from_sandbox_outward", "oifname != @uplinks drop");
    rule(out, "from_sandbox_outward", IS_KIND("iif") " meta iifgroup & 0x%x == 0 ip daddr %s drop",
         LINK_GROUP_KIND_MASK, LINK_GROUP_CLEARNET, LINK_GROUP_LAN, rfc1918);
    rule(out, "from_sandbox_outward", IS_KIND("iif") " return", LINK_GROUP_KIND_MASK, LINK_GROUP_CLEARNET);
    rule(out, "from_sandbox_outward", "meta iifgroup & 0x%x == 0x%x %s return", LINK_GROUP_KIND_MASK | LINK_GROUP_LAN,
         LINK_GROUP_TOR | LINK_GROUP_LAN, lan);
    rule(out, "from_sandbox_outward", "drop");
    rule(out, "to_sandbox_inward", IS_KIND("oif") " ct state established accept", LINK_GROUP_KIND_MASK,
         LINK_GROUP_CLEARNET);
    rule(out, "to_sandbox_inward", "meta oifgroup & 0x%x == 0x%x ct state established accept",
         LINK_GROUP_KIND_MASK | LINK_GROUP_LAN, LINK_GROUP_TOR | LINK_GROUP_LAN);
    rule(out, "to_sandbox_inward", "drop");

    /* What leaves for the outside leaves with the uplink's address. */
    rule(out, "sandbox_snat", "ip saddr %s/%u " TO_SANDBOX " return", pool, cfg->pool.len);
    rule(out, "sandbox_snat", "ip saddr %s/%u masquerade", pool, cfg->pool.len);
}

static void render_rules(FILE *out, const struct torgate_config *cfg)
{
    render_prerouting(out, cfg);
    render_dnat(out, cfg);
    render_host(out);
    render_forward(out, cfg);
}

/* FNV-1a: a fingerprint of the rules, not a security measure. */
static uint64_t fingerprint(const char *text)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    return h;
}

char *ruleset_marker(const struct torgate_config *cfg)
{
    autofree char *text = ruleset_render(cfg);
    return xasprintf(MARKER_PREFIX "%016llx", (unsigned long long)fingerprint(text));
}

char *ruleset_render(const struct torgate_config *cfg)
{
    struct text t;
    text_open(&t);
    render_skeleton(t.out);
    render_rules(t.out, cfg);
    return text_close(&t);
}

bool link_group_forwards(uint32_t group)
{
    return (group & LINK_GROUP_KIND_MASK) == LINK_GROUP_CLEARNET || (group & LINK_GROUP_LAN);
}

char *ruleset_render_services(const char *ifindex, const struct host_services *services)
{
    struct text t;
    text_open(&t);
    for (size_t i = 0; i < services->count; i++)
        text_printf(&t, "add element inet " FIREWALL_TABLE " host_services { %s . %s . %u }\n", ifindex,
                    services->list[i].proto == IPPROTO_TCP ? "tcp" : "udp", services->list[i].port);
    return text_close(&t);
}

/* One element of a per-link set as nft lists it, "INDEX . ITEM [. ITEM]":
 * digits, lower-case letters and " . " only (a link nft printed by name
 * exists, and is skipped). */
static bool element_of_link(const char *p, size_t len, unsigned *ifindex)
{
    int used = 0;
    if (sscanf(p, " %u%n", ifindex, &used) != 1 || used <= 0)
        return false;
    for (size_t i = (size_t)used; i < len; i++)
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == ' ' || p[i] == '.' ||
              p[i] == '\t' || p[i] == '\n'))
            return false;
    return true;
}

char *ruleset_prune_set(const char *listing, const char *set, bool (*link_exists)(unsigned ifindex))
{
    struct text t;
    text_open(&t);
    const char *p = strstr(listing, "elements = {");
    for (p = p ? p + strlen("elements = {") : NULL; p && *p && *p != '}';) {
        size_t len = strcspn(p, ",}");
        unsigned ifindex;
        if (element_of_link(p, len, &ifindex) && !link_exists(ifindex)) {
            while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\n'))
                len--;
            size_t lead = strspn(p, " \t\n");
            text_printf(&t, "delete element inet " FIREWALL_TABLE " %s { %.*s }\n", set, (int)(len - lead), p + lead);
        }
        p += strcspn(p, ",}");
        if (*p == ',')
            p++;
    }
    return text_close(&t);
}

char *ruleset_render_onion_target(const char *ifindex, unsigned tor_uid)
{
    return xasprintf("add element inet " FIREWALL_TABLE " onion_targets { %s . %u }\n", ifindex, tor_uid);
}

char *ruleset_render_sandbox_nat(const struct sandbox_nat *nat)
{
    if (!nat->control_port && !nat->dns_guard && !nat->socks_port && !nat->automap)
        return NULL;
    char gw[16];
    format_addr4(nat->gateway, gw);
    struct text t;
    text_open(&t);
    text_puts(&t, "table ip " SANDBOX_NAT_TABLE " {\n");
    if (nat->control_port)
        text_printf(&t,
                    "\tchain control_port {\n\t\ttype nat hook output priority -100; policy accept;\n"
                    "\t\tip daddr 127.0.0.1 tcp dport %u dnat ip to %s:%u\n\t}\n"
                    "\tchain control_port_source {\n\t\ttype nat hook postrouting priority 100; policy accept;\n"
                    "\t\toifname \"" SANDBOX_IFNAME "\" ip saddr 127.0.0.0/8 masquerade\n\t}\n",
                    SANDBOX_CONTROL_PORT, gw, nat->control_port);
    if (nat->dns_guard) {
        text_printf(&t,
                    "\tchain dns_guard {\n\t\ttype nat hook output priority -100; policy accept;\n"
                    "\t\tip daddr %s udp dport 53 udp sport != %u dnat ip to 127.0.0.1:%u\n",
                    gw, DNS_GUARD_SOURCE_PORT, DNS_GUARD_PORT);
        if (nat->dns_tcp)
            text_printf(&t, "\t\tip daddr %s tcp dport 53 dnat ip to 127.0.0.1:%u\n", gw, DNS_GUARD_PORT);
        text_puts(&t, "\t}\n");
    }
    if (nat->socks_port)
        text_printf(&t,
                    "\tchain socks_guard {\n\t\ttype nat hook output priority -100; policy accept;\n"
                    "\t\tip daddr %s tcp dport %u meta mark != 0x%x dnat ip to 127.0.0.1:%u\n\t}\n",
                    gw, nat->socks_port, SOCKS_GUARD_MARK, SOCKS_GUARD_PORT);
    if (nat->onions)
        text_printf(&t,
                    "\tchain onion_services {\n\t\ttype nat hook prerouting priority -100; policy accept;\n"
                    "\t\tiifname \"" SANDBOX_IFNAME "\" ip saddr %s meta l4proto tcp dnat ip to 127.0.0.1\n\t}\n",
                    gw);
    if (nat->automap) {
        char automap[16];
        text_printf(&t,
                    "\tset " AUTOMAPPED_SET " {\n\t\ttype ipv4_addr\n\t\tsize %u\n\t}\n"
                    "\tchain automap {\n\t\ttype filter hook output priority filter; policy accept;\n"
                    "\t\tip daddr %s/%u ip daddr != @" AUTOMAPPED_SET " meta l4proto tcp reject with tcp reset\n\t}\n",
                    AUTOMAPPED_SET_SIZE, format_addr4(tor_automap.addr, automap), tor_automap.len);
    }
    text_puts(&t, "}\n");
    return text_close(&t);
}

char *ruleset_render_uplink(const char *ifname, bool guard)
{
    return xasprintf("add element inet " FIREWALL_TABLE " uplinks { \"%s\" }\n%s%s%s", ifname,
                     guard ? "add element inet " FIREWALL_TABLE " forward_guard { \"" : "", guard ? ifname : "",
                     guard ? "\" }\n" : "");
}
