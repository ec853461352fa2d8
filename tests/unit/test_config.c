/* torgate.conf and profile parsing: values, defaults, and errors naming file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "util.h"

static void defaults_are_tails_ports(void **state)
{
    (void)state;
    struct torgate_config cfg;
    config_set_defaults(&cfg);
    assert_int_equal(cfg.trans_port.addr, 0x7F000001u);
    assert_int_equal(cfg.trans_port.port, 9040);
    assert_int_equal(cfg.dns_port.port, 5353);
    assert_int_equal(cfg.socks_port.port, 9050);
    config_clear(&cfg);
}

static void full_config_is_read(void **state)
{
    (void)state;
    struct torgate_config cfg;
    char *err = NULL;
    config_set_defaults(&cfg);
    assert_true(config_load_string(&cfg,
                                   "[tor]\ntrans-port = 127.0.0.2:19040\ndns-port=127.0.0.3:15353\n"
                                   "socks-port = 10.0.0.1:19050\n[network]\npool = 172.20.0.0/24\n"
                                   "[clearnet]\nresolv-conf = /run/x.conf\n",
                                   "t.conf", &err));
    assert_null(err);
    assert_int_equal(cfg.trans_port.addr, 0x7F000002u);
    assert_int_equal(cfg.trans_port.port, 19040);
    assert_int_equal(cfg.dns_port.addr, 0x7F000003u);
    assert_int_equal(cfg.socks_port.addr, 0x0A000001u);
    assert_int_equal(cfg.pool.addr, 0xAC140000u);
    assert_int_equal(cfg.pool.len, 24);
    assert_string_equal(cfg.clearnet_resolv_conf, "/run/x.conf");
    assert_null(cfg.clearnet_group);
    assert_int_equal(cfg.http_tunnel_port.port, 0);
    assert_int_equal(cfg.i2p_sam.port, 7656);
    assert_true(config_validate(&cfg, "t.conf", &err));
    config_clear(&cfg);
}

static void expect_config_error(const char *text, const char *expected)
{
    struct torgate_config cfg;
    char *err = NULL;
    config_set_defaults(&cfg);
    bool ok = config_load_string(&cfg, text, "t.conf", &err) && config_validate(&cfg, "t.conf", &err);
    if (ok)
        fail_msg("accepted: %s", text);
    assert_non_null(err);
    if (!strstr(err, expected))
        fail_msg("error '%s' does not contain '%s'", err, expected);
    free(err);
    config_clear(&cfg);
}

static void errors_name_file_and_line(void **state)
{
    (void)state;
    expect_config_error("[tor]\n\ntrans-port = 127.0.0.1\n", "t.conf:3: bad value '127.0.0.1' for trans-port");
    expect_config_error("[tor]\ntrans-port = 127.0.0.1:0\n", "t.conf:2: bad value");
    expect_config_error("[tor]\ntrans-port = 127.0.0.1:65536\n", "t.conf:2:");
    expect_config_error("[tor]\ntrans-port = ::1:9040\n", "is not an IPv4 address");
    expect_config_error("[tor]\ndns-port = 127.0.0.1:53\ndns-port = 127.0.0.1:54\n",
                        "t.conf:3: duplicate key 'dns-port' in [tor]");
    expect_config_error("[tor]\ncontrolport = 127.0.0.1:9051\n", "t.conf:2: unknown key 'controlport' in [tor]");
    expect_config_error("[tors]\ntrans-port = 127.0.0.1:9040\n", "t.conf:2: unknown section [tors]");
    expect_config_error("pool = 10.0.0.0/8\n", "t.conf:1: 'pool' must be inside a [section]");
    expect_config_error("[network]\npool 10.0.0.0/8\n", "t.conf:2: syntax error");
    expect_config_error("[network]\npool = 10.0.0.1/24\n", "host bits are set");
    expect_config_error("[network]\npool = 10.0.0.0/31\n", "prefix length must be from 8 to 30");
    expect_config_error("[network]\npool = 10.0.0.0/7\n", "prefix length");
    expect_config_error("[network]\npool = 10.200.0.0/16\n", "overlaps Tor's automap range");
    expect_config_error("[network]\npool = 10.0.0.0/8\n", "overlaps Tor's automap range");
    expect_config_error("[network]\npool = 127.1.0.0/16\n", "overlaps loopback");
    expect_config_error("[clearnet]\nresolv-conf = relative/path\n", "expected an absolute path");
    expect_config_error("[clearnet]\ngroup = bad group\n", "t.conf:2: bad value 'bad group' for group");
    expect_config_error("[i2p]\nsam = 127.0.0.1\n", "t.conf:2: bad value");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_tails_ports),  cmocka_unit_test(full_config_is_read),
        cmocka_unit_test(errors_name_file_and_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
