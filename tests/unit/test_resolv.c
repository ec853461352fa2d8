/* What sandboxes find in /etc/resolv.conf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"
#include "resolv.h"

static void tor_mode_names_the_gateway(void **state)
{
    (void)state;
    struct torgate_config cfg;
    config_set_defaults(&cfg);
    struct profile p = {.mode = MODE_TOR, .dns = DNS_TOR};
    struct plan plan;
    plan_build(&plan, &cfg, &p, NULL);
    struct prefix4 pool = {0x0A760000u, 16};
    struct slot s;
    pool_slot(&pool, 5, &s);
    char *text = resolv_conf_render(&plan, &s);
    assert_non_null(strstr(text, "\nnameserver 10.118.0.21\n"));
    assert_int_equal(strstr(text, "nameserver") - text, strstr(text, "nameserver 10.118.0.21") - text);
    /* IPv6 is off in the sandbox: no AAAA queries, no automapped IPv6 */
    assert_non_null(strstr(text, "\noptions no-aaaa\n"));
    free(text);
    config_clear(&cfg);
}

static void clearnet_keeps_ipv4_resolvers_only(void **state)
{
    (void)state;
    char *lines = NULL, *err = NULL;
    assert_true(clearnet_resolvers_parse("# from DHCP\nsearch lan\nnameserver 192.168.1.1\n"
                                         "nameserver fe80::1\n  nameserver 203.0.113.53\noptions edns0\n",
                                         "r.conf", &lines, &err));
    assert_string_equal(lines, "# torgate: the clearnet resolvers\nnameserver 192.168.1.1\nnameserver 203.0.113.53\n"
                                       "options no-aaaa\n");
    free(lines);
}

static void clearnet_refuses_loopback_and_empty(void **state)
{
    (void)state;
    char *lines = NULL, *err = NULL;
    assert_false(clearnet_resolvers_parse("nameserver 192.168.1.1\nnameserver 127.0.0.53\n", "r.conf", &lines, &err));
    assert_non_null(strstr(err, "r.conf:2: nameserver 127.0.0.53 is on the host's loopback"));
    free(err);
    err = NULL;
    assert_false(clearnet_resolvers_parse("search lan\nnameserver ::1\n", "r.conf", &lines, &err));
    assert_non_null(strstr(err, "r.conf: names no IPv4 nameserver"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tor_mode_names_the_gateway),
        cmocka_unit_test(clearnet_keeps_ipv4_resolvers_only),
        cmocka_unit_test(clearnet_refuses_loopback_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
