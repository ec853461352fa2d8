/* The text of torgate's nftables table. Pure: unit-tested without a kernel. */
#include "ruleset.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pool.h"
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
    emit(out, "\tset clearnet_uplinks { type ifname; }\n");
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

static void render_rules(FILE *out, const struct torgate_config *cfg)
{
    char trans[16], dns[16], socks[16], pool[16];
    format_addr4(cfg->trans_port.addr, trans);
    format_addr4(cfg->dns_port.addr, dns);
    format_addr4(cfg->socks_port.addr, socks);
    format_addr4(cfg->pool.addr, pool);

    /* Before conntrack: no IPv6 at all, and no source address but the
     * sandbox's own (the reverse path must lead back to the same link). */
    rule(out, "sandbox_prerouting", SANDBOX " meta nfproto ipv6 drop");
    rule(out, "sandbox_prerouting", SANDBOX " fib saddr . iif oif missing drop");

    /* Tor mode: DNS to the gateway goes to the DNSPort, the gateway's
     * SocksPort port to the SocksPort, and every other TCP connection, to any
     * address and port (automapped ones included), to the TransPort. */
    rule(out, "sandbox_dnat", SANDBOX " meta iifgroup != 0x%x jump tor_dnat", LINK_GROUP_CLEARNET);
    rule(out, "tor_dnat", "fib daddr . iif type local udp dport 53 dnat ip to %s:%u", dns, cfg->dns_port.port);
    rule(out, "tor_dnat", "fib daddr . iif type local tcp dport %u dnat ip to %s:%u", cfg->socks_port.port,
         socks, cfg->socks_port.port);
    rule(out, "tor_dnat", "meta l4proto tcp dnat ip to %s:%u", trans, cfg->trans_port.port);

    /* Of the host, a tor sandbox reaches the three Tor ports through the
     * translations above and nothing else; a clearnet sandbox reaches nothing. */
    rule(out, "sandbox_input", SANDBOX " jump from_sandbox_to_host");
    rule(out, "from_sandbox_to_host", "meta iifgroup 0x%x drop", LINK_GROUP_CLEARNET);
    rule(out, "from_sandbox_to_host", "ct state invalid drop");
    rule(out, "from_sandbox_to_host", "ct status dnat ip daddr %s tcp dport %u accept", trans, cfg->trans_port.port);
    rule(out, "from_sandbox_to_host", "ct status dnat ip daddr %s udp dport %u accept", dns, cfg->dns_port.port);
    rule(out, "from_sandbox_to_host", "ct status dnat ip daddr %s tcp dport %u accept", socks, cfg->socks_port.port);
    rule(out, "from_sandbox_to_host", "drop");

    /* The host answers; it opens nothing towards a sandbox. No RELATED
     * packets but ICMP, so that a refused connection fails at once. */
    rule(out, "sandbox_output", TO_SANDBOX " jump from_host_to_sandbox");
    rule(out, "from_host_to_sandbox", "ct state established accept");
    rule(out, "from_host_to_sandbox", "ct state related meta l4proto icmp accept");
    rule(out, "from_host_to_sandbox", "drop");

    /* Only clearnet sandboxes are forwarded, never to another sandbox or the
     * pool, and only replies come back in. */
    rule(out, "sandbox_forward", SANDBOX " jump from_sandbox_outward");
    rule(out, "sandbox_forward", TO_SANDBOX " jump to_sandbox_inward");
    rule(out, "sandbox_forward", "iifname @forward_guard drop");
    rule(out, "from_sandbox_outward", "meta iifgroup != 0x%x drop", LINK_GROUP_CLEARNET);
    rule(out, "from_sandbox_outward", TO_SANDBOX " drop");
    rule(out, "from_sandbox_outward", "oifname != @clearnet_uplinks drop");
    rule(out, "from_sandbox_outward", "ip daddr %s/%u drop", pool, cfg->pool.len);
    rule(out, "from_sandbox_outward", "ct state invalid drop");
    rule(out, "to_sandbox_inward", "meta oifgroup != 0x%x drop", LINK_GROUP_CLEARNET);
    rule(out, "to_sandbox_inward", "ct state established accept");
    rule(out, "to_sandbox_inward", "drop");

    /* Clearnet sandboxes leave with the uplink's address. */
    rule(out, "sandbox_snat", "ip saddr %s/%u " TO_SANDBOX " return", pool, cfg->pool.len);
    rule(out, "sandbox_snat", "ip saddr %s/%u masquerade", pool, cfg->pool.len);
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
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        die_with_error("cannot render the firewall rules");
    render_skeleton(out);
    render_rules(out, cfg);
    if (fclose(out) != 0)
        die_with_error("cannot render the firewall rules");
    return text;
}

char *ruleset_render_uplink(const char *ifname, bool guard)
{
    return xasprintf("add element inet " FIREWALL_TABLE " clearnet_uplinks { \"%s\" }\n%s%s%s", ifname,
                     guard ? "add element inet " FIREWALL_TABLE " forward_guard { \"" : "", guard ? ifname : "",
                     guard ? "\" }\n" : "");
}
