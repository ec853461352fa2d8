/* The firewall text: the rules that carry the design, and that their number
 * does not depend on anything per sandbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "profile.h"
#include "ruleset.h"

static char *render_defaults(void)
{
    struct torgate_config cfg;
    config_set_defaults(&cfg);
    char *text = ruleset_render(&cfg);
    config_clear(&cfg);
    return text;
}

static void assert_has(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("ruleset lacks: %s\n---\n%s", needle, text);
}

static void tor_rules_lead_to_tor_ports(void **state)
{
    (void)state;
    char *t = render_defaults();
    assert_has(t, "tor_dnat fib daddr . iif type local udp dport 53 dnat ip to 127.0.0.1:5353");
    assert_has(t, "tor_dnat fib daddr . iif type local tcp dport 9050 dnat ip to 127.0.0.1:9050");
    assert_has(t, "tor_dnat meta l4proto tcp dnat ip to 127.0.0.1:9040");
    assert_has(t, "from_sandbox_to_host ct status dnat accept\nadd rule inet torgate from_sandbox_to_host ct direction reply accept\nadd rule inet torgate from_sandbox_to_host drop");
    /* the host opens nothing towards a sandbox but tor, to onion services of sandboxes that have them */
    assert_has(t, "from_host_to_sandbox ct state new oif . meta skuid @onion_targets meta l4proto tcp accept\nadd rule inet torgate from_host_to_sandbox drop");
    assert_has(t, "i2p_dnat fib daddr . iif type local tcp dport 4444 dnat ip to 127.0.0.1:4444");
    assert_has(t, "i2p_dnat fib daddr . iif type local tcp dport 7656 dnat ip to 127.0.0.1:7656");
    assert_has(t, "host_services_dnat iif . meta l4proto . th dport @host_services fib daddr . iif type local dnat ip to 127.0.0.1");
    /* lan = allow: the LAN is not sent to Tor, but never its DNS, and never
     * what only Tor carries (the automap range) nor the pool (the gateway) */
    assert_has(t, "tor_dnat meta iifgroup & 0x10 == 0x10 ip daddr { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 } ip daddr != { 10.192.0.0/10, 10.118.0.0/16 } return");
    assert_has(t, "meta iifgroup & 0xffff001f == 0x74670011 ip daddr { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 } ip daddr != { 10.192.0.0/10, 10.118.0.0/16 } th dport 53 drop");
    assert_has(t, "meta iifgroup & 0x20 == 0x20 udp dport 53 drop");
    /* the http tunnel port only when configured */
    assert_null(strstr(t, "dport 9080"));
    assert_has(t, "iifname \"tg*\" meta nfproto ipv6 drop");
    assert_has(t, "iifname \"tg*\" fib saddr . iif oif missing drop");
    free(t);
}

static void ports_follow_config(void **state)
{
    (void)state;
    struct torgate_config cfg;
    config_set_defaults(&cfg);
    cfg.trans_port = (struct endpoint4){0x7F000002u, 19040};
    cfg.dns_port = (struct endpoint4){0x7F000003u, 15353};
    cfg.socks_port = (struct endpoint4){0x7F000004u, 19050};
    cfg.http_tunnel_port = (struct endpoint4){0x7F000001u, 9080};
    char *t = ruleset_render(&cfg);
    assert_has(t, "meta l4proto tcp dnat ip to 127.0.0.2:19040");
    assert_has(t, "udp dport 53 dnat ip to 127.0.0.3:15353");
    assert_has(t, "tcp dport 19050 dnat ip to 127.0.0.4:19050");
    assert_has(t, "ip saddr 10.118.0.0/16 masquerade");
    assert_has(t, "tor_dnat fib daddr . iif type local tcp dport 9080 dnat ip to 127.0.0.1:9080");
    free(t);
    config_clear(&cfg);
}

static void clearnet_never_reaches_host_or_sandboxes(void **state)
{
    (void)state;
    char *t = render_defaults();
    /* Only tor and i2p links reach the host at all. */
    assert_has(t, "from_sandbox_to_host meta iifgroup & 0xffff000f != 0x74670001 meta iifgroup & 0xffff000f != 0x74670003 drop");
    assert_has(t, "from_sandbox_outward oifname \"tg*\" drop");
    assert_has(t, "from_sandbox_outward ip daddr 10.118.0.0/16 drop");
    assert_has(t, "from_sandbox_outward meta iifgroup & 0xffff000f == 0x74670002 meta iifgroup & 0x10 == 0 ip daddr { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 } drop");
    assert_has(t, "from_sandbox_outward meta iifgroup & 0xffff000f == 0x74670002 return");
    assert_has(t, "add rule inet torgate from_sandbox_outward meta iifgroup & 0xffff001f == 0x74670011 ip daddr { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 } ip daddr != { 10.192.0.0/10, 10.118.0.0/16 } return\nadd rule inet torgate from_sandbox_outward drop");
    assert_has(t, "sandbox_forward iifname @forward_guard drop");
    assert_has(t, "from_sandbox_outward oifname != @uplinks drop");
    free(t);
}

static void no_related_except_icmp(void **state)
{
    (void)state;
    char *t = render_defaults();
    assert_has(t, "from_host_to_sandbox ct state related meta l4proto icmp accept");
    assert_has(t, "to_sandbox_inward meta oifgroup & 0xffff000f == 0x74670002 ct state established accept");
    /* Nothing accepts RELATED for forwarded traffic. */
    const char *p = strstr(t, "to_sandbox_inward ct state related");
    assert_null(p);
    free(t);
}

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void rules_do_not_depend_on_sandboxes(void **state)
{
    (void)state;
    /* The rules are rendered from the configuration alone; a pool with room
     * for 4 million sandboxes gets as many rules as one with room for one. */
    struct torgate_config small, large;
    config_set_defaults(&small);
    config_set_defaults(&large);
    small.pool = (struct prefix4){0xC0A80A00u, 30};
    large.pool = (struct prefix4){0x0A000000u, 10};
    char *a = ruleset_render(&small);
    char *b = ruleset_render(&large);
    assert_int_equal(count(a, "add rule"), count(b, "add rule"));
    assert_true(count(a, "add rule") < 60);
    free(a);
    free(b);
    config_clear(&small);
    config_clear(&large);
}

static void uplink_elements(void **state)
{
    (void)state;
    char *t = ruleset_render_uplink("wlan0", true);
    assert_string_equal(t, "add element inet torgate uplinks { \"wlan0\" }\n"
                           "add element inet torgate forward_guard { \"wlan0\" }\n");
    free(t);
    t = ruleset_render_uplink("wlan0", false);
    assert_string_equal(t, "add element inet torgate uplinks { \"wlan0\" }\n");
    free(t);
}

static void services_elements(void **state)
{
    (void)state;
    struct host_services s = {2, {{6, 631}, {17, 5353}}};
    char *t = ruleset_render_services("42", &s);
    assert_string_equal(t, "add element inet torgate host_services { 42 . tcp . 631 }\n"
                           "add element inet torgate host_services { 42 . udp . 5353 }\n");
    free(t);
}

static bool only_link_7(unsigned ifindex)
{
    return ifindex == 7;
}

static void stale_services_pruned(void **state)
{
    (void)state;
    /* nft's listing, as libnftables prints it */
    const char *listing = "table inet torgate {\n\tset host_services {\n"
                          "\t\ttype iface_index . inet_proto . inet_service\n"
                          "\t\telements = { 9999 . udp . 53,\n\t\t\t     7 . tcp . 631,\n"
                          "\t\t\t     tg3 . tcp . 80,\n\t\t\t     12 . tcp . 8080 }\n\t}\n}\n";
    char *t = ruleset_prune_set(listing, "host_services", only_link_7);
    assert_string_equal(t, "delete element inet torgate host_services { 9999 . udp . 53 }\n"
                           "delete element inet torgate host_services { 12 . tcp . 8080 }\n");
    free(t);
    /* an empty set, and no set at all */
    t = ruleset_prune_set("table inet torgate {\n\tset host_services {\n\t}\n}\n", "host_services", only_link_7);
    assert_string_equal(t, "");
    free(t);
    t = ruleset_prune_set("", "host_services", only_link_7);
    assert_string_equal(t, "");
    free(t);
    /* onion_targets: a link and a uid */
    t = ruleset_prune_set("table inet torgate {\n\tset onion_targets {\n\t\ttype iface_index . uid\n"
                          "\t\telements = { 7 . 108,\n\t\t\t     31 . 108 }\n\t}\n}\n",
                          "onion_targets", only_link_7);
    assert_string_equal(t, "delete element inet torgate onion_targets { 31 . 108 }\n");
    free(t);
    /* nothing but what nft itself prints is ever repeated back to it */
    t = ruleset_prune_set("elements = { 9 . tcp . 80 } ; flush ruleset }", "host_services", only_link_7);
    assert_string_equal(t, "delete element inet torgate host_services { 9 . tcp . 80 }\n");
    free(t);
    t = ruleset_prune_set("elements = { 9 ; flush ruleset }", "host_services", only_link_7);
    assert_string_equal(t, "");
    free(t);
}

/* The sandbox's own table: each guard's chain lets its own traffic pass
 * (the DNS guard's port, the SOCKS guard's mark) and leads the rest to it;
 * no table at all where nothing needs one. */
static void sandbox_nat_guards(void **state)
{
    (void)state;
    struct sandbox_nat nat = {.gateway = 0x0A760001u, .dns_guard = true, .socks_port = 9050};
    char *text = ruleset_render_sandbox_nat(&nat);
    assert_has(text, "ip daddr 10.118.0.1 udp dport 53 udp sport != 53531 dnat ip to 127.0.0.1:53530");
    assert_has(text, "ip daddr 10.118.0.1 tcp dport 9050 meta mark != 0x746f72 dnat ip to 127.0.0.1:53532");
    assert_null(strstr(text, "control_port"));
    assert_null(strstr(text, "automap"));
    free(text);
    assert_null(ruleset_render_sandbox_nat(&(struct sandbox_nat){.gateway = 0x0A760001u}));
    /* A tor sandbox's automap range: only its own automapped addresses. */
    text = ruleset_render_sandbox_nat(&(struct sandbox_nat){.gateway = 0x0A760001u, .automap = true});
    assert_has(text, "set automapped {\n\t\ttype ipv4_addr\n\t\tsize 4096\n\t}");
    assert_has(text, "ip daddr 10.192.0.0/10 ip daddr != @automapped meta l4proto tcp reject with tcp reset");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tor_rules_lead_to_tor_ports),
        cmocka_unit_test(ports_follow_config),
        cmocka_unit_test(clearnet_never_reaches_host_or_sandboxes),
        cmocka_unit_test(no_related_except_icmp),
        cmocka_unit_test(rules_do_not_depend_on_sandboxes),
        cmocka_unit_test(uplink_elements),
        cmocka_unit_test(services_elements),
        cmocka_unit_test(stale_services_pruned),
        cmocka_unit_test(sandbox_nat_guards),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
