/* Profiles: keys, checks across keys naming a line, and narrowing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>

#include "profile.h"

static struct profile load(const char *text)
{
    struct profile p = {0};
    char *err = NULL;
    if (!profile_load_string(&p, text, "x.profile", &err))
        fail_msg("rejected: %s", err);
    return p;
}

static void expect_error(const char *text, const char *expected)
{
    struct profile p = {0};
    char *err = NULL;
    if (profile_load_string(&p, text, "x.profile", &err))
        fail_msg("accepted: %s", text);
    if (!strstr(err, expected))
        fail_msg("error '%s' does not contain '%s'", err, expected);
    free(err);
}

static void defaults_follow_the_mode(void **state)
{
    (void)state;
    struct profile p = load("# nothing\n");
    assert_int_equal(p.mode, MODE_TOR);
    assert_int_equal(p.dns, DNS_TOR);
    assert_false(p.lan);
    assert_false(p.proxy_env);
    assert_false(p.user_namespaces);
    assert_int_equal(p.services.count, 0);
    assert_int_equal(load("[profile]\nmode = clearnet\n").dns, DNS_CLEARNET);
    assert_int_equal(load("[profile]\nmode = i2p\n").dns, DNS_NONE);
    assert_int_equal(load("[profile]\nmode = offline\n").dns, DNS_NONE);
}

static void every_key(void **state)
{
    (void)state;
    struct profile p = load("[profile]\nmode = tor\ndns = none\nlan = allow\nhost-services = tcp/631, udp/5353\n"
                            "proxy-env = yes\nuser-namespaces = allow\n");
    assert_int_equal(p.dns, DNS_NONE);
    assert_true(p.lan);
    assert_true(p.proxy_env);
    assert_true(p.user_namespaces);
    assert_int_equal(p.services.count, 2);
    assert_int_equal(p.services.list[0].proto, IPPROTO_TCP);
    assert_int_equal(p.services.list[0].port, 631);
    assert_int_equal(p.services.list[1].proto, IPPROTO_UDP);
    assert_int_equal(p.services.list[1].port, 5353);
}

static void errors_name_the_line(void **state)
{
    (void)state;
    expect_error("[profile]\nmode = direct\n", "x.profile:2: bad value 'direct' for mode: expected tor, clearnet, i2p or offline");
    expect_error("[profile]\nmode = tor\nmode = offline\n", "x.profile:3: duplicate key 'mode' in [profile] (first set on line 2)");
    expect_error("[profile]\nlan = yes\n", "x.profile:2: bad value 'yes' for lan: expected allow or deny");
    expect_error("[profile]\nproxy-env = allow\n", "expected yes or no");
    expect_error("[profile]\nhost-services = cups\n", "'cups' is not PROTO/PORT");
    expect_error("[profile]\nhost-services = tcp/0\n", "is not PROTO/PORT");
    expect_error("[profile]\nhost-services = sctp/9\n", "is not PROTO/PORT");
    expect_error("[profile]\nhost-services = tcp/631 junk\n", "is not PROTO/PORT");
    expect_error("[profile]\nhost-services = tcp/4294967927\n", "is not PROTO/PORT");
    expect_error("[profile]\nhost-services = tcp/-4294966665\n", "is not PROTO/PORT");
    expect_error("[profile]\nhost-services = tcp/+631\n", "is not PROTO/PORT");
    expect_error("[profile]\nhost-services = tcp/0631\n", "is not PROTO/PORT");
    expect_error("[profile]\nhost-services = tcp/ 631\n", "is not PROTO/PORT");
    expect_error("[profile]\nhost-services = tcp/65536\n", "is not PROTO/PORT");
    expect_error("[profile]\nhost-services = tcp/631,,udp/53\n", "'' is not PROTO/PORT");
    expect_error("[profile]\nhost-services = tcp/631, tcp/631\n", "'tcp/631' is given twice");
    expect_error("[profile]\nhost-services =\n", "'' is not PROTO/PORT");
    expect_error("[profile]\nsandbox = yes\n", "x.profile:2: unknown key 'sandbox' in [profile]");
    /* Checks across keys name the line of the key that does not fit. */
    expect_error("[profile]\nmode = tor\n\ndns = clearnet\n", "x.profile:4: dns = clearnet needs mode = clearnet");
    expect_error("[profile]\ndns = tor\nmode = i2p\n", "x.profile:2: dns = tor needs mode = tor");
    expect_error("[profile]\nmode = clearnet\nhost-services = tcp/631\n",
                 "x.profile:3: host-services cannot be given to a clearnet or offline profile");
    expect_error("[profile]\nmode = offline\nlan = allow\n", "x.profile:3: lan = allow needs mode = tor or clearnet");
    expect_error("[profile]\nmode = tor\ndns = none\ndns-types = all\n", "x.profile:4: dns-types = all needs dns = tor");
    expect_error("[profile]\nmode = clearnet\ndns-types = all\n", "x.profile:3: dns-types = all needs dns = tor");
    expect_error("[profile]\ndns-types = every\n", "expected all or basic");
    struct profile p = load("[profile]\nmode = tor\ndns-types = all\n");
    assert_true(p.dns_all_types);
    p = load("[profile]\nmode = tor\n");
    assert_false(p.dns_all_types); /* never the default */
}

/* A line longer than the parser's buffer is an error, not two lines: a
 * comment padded out must not turn its tail into a setting. */
static void long_lines_are_refused(void **state)
{
    (void)state;
    char text[512] = "[profile]\n#";
    memset(text + strlen(text), ' ', 250);
    strcat(text, "mode = offline\nmode = tor\n");
    struct profile p = {0};
    char *err = NULL;
    if (profile_load_string(&p, text, "x.profile", &err))
        fail_msg("accepted a long line; mode = %d", p.mode);
    assert_non_null(strstr(err, "x.profile:2: line too long"));
    free(err);
}

static void expect_narrows(const char *system, const char *user, bool ok, int key)
{
    struct profile s = load(system), u = load(user);
    char *why = NULL;
    enum profile_key bad = PROFILE_KEYS;
    bool got = profile_narrows(&s, &u, &why, &bad);
    if (got != ok)
        fail_msg("narrows(%s | %s) = %d: %s", system, user, got, why ? why : "");
    if (!ok)
        assert_int_equal(bad, key);
    free(why);
}

static void user_profiles_only_narrow(void **state)
{
    (void)state;
    const char *tor = "[profile]\nmode = tor\n";
    expect_narrows(tor, tor, true, -1);
    expect_narrows(tor, "[profile]\nmode = offline\n", true, -1);
    expect_narrows(tor, "[profile]\ndns = none\n", true, -1);
    expect_narrows(tor, "[profile]\nproxy-env = yes\n", true, -1);
    expect_narrows(tor, "[profile]\nmode = clearnet\n", false, KEY_MODE);
    struct profile u = load("[profile]\n\nlan = allow\n");
    assert_int_equal(u.lines[KEY_LAN], 3); /* so that a refusal names the line */
    expect_narrows(tor, "[profile]\nmode = i2p\n", false, KEY_MODE);
    expect_narrows(tor, "[profile]\nlan = allow\n", false, KEY_LAN);
    expect_narrows(tor, "[profile]\nhost-services = tcp/631\n", false, KEY_SERVICES);
    expect_narrows(tor, "[profile]\nuser-namespaces = allow\n", false, KEY_USERNS);
    expect_narrows("[profile]\ndns = none\n", tor, false, KEY_DNS);
    expect_narrows(tor, "[profile]\ndns-types = all\n", false, KEY_DNS_TYPES);
    expect_narrows("[profile]\ndns-types = all\n", tor, true, -1);
    expect_narrows("[profile]\ndns-types = all\n", "[profile]\ndns-types = all\n", true, -1);
    expect_narrows("[profile]\nhost-services = tcp/631, tcp/9051\n", "[profile]\nhost-services = tcp/9051\n", true,
                   -1);
    expect_narrows("[profile]\nhost-services = tcp/631\n", "[profile]\nhost-services = udp/631\n", false,
                   KEY_SERVICES);
    expect_narrows("[profile]\nmode = clearnet\nlan = allow\n", "[profile]\nmode = tor\n", true, -1);
    expect_narrows("[profile]\nmode = clearnet\nlan = allow\n", "[profile]\nmode = clearnet\n", true, -1);
    expect_narrows("[profile]\nmode = i2p\n", tor, false, KEY_MODE);
    expect_narrows("[profile]\nmode = offline\n", tor, false, KEY_MODE);
}

/* Issue 12: display, sound, own directories, buses. */
static void session_keys(void **state)
{
    (void)state;
    struct profile p = load("# nothing\n");
    assert_int_equal(p.display, 0);
    assert_false(p.sound);
    assert_false(p.accessibility);
    assert_int_equal(p.own_dirs.count, 0);
    assert_false(p.buses[BUS_SESSION].filtered);
    assert_false(p.buses[BUS_SYSTEM].filtered);
    p = load("[profile]\ndisplay = wayland, x11\nsound = allow\nown-dirs = .mozilla, .cache/mozilla/\n"
             "session-bus = filtered\nsystem-bus = filtered\n"
             "[session-bus]\ntalk = org.freedesktop.Notifications, org.example.*\nown = org.example.App\n"
             "see = org.example.Seen\ncall = org.example.App=org.example.Iface.Method@/org/example/*, "
             "org.example.Other=*\nbroadcast = org.example.App=@/org/example\n"
             "[system-bus]\ntalk = org.freedesktop.UPower\n");
    assert_int_equal(p.display, DISPLAY_WAYLAND | DISPLAY_X11);
    assert_true(p.sound);
    assert_int_equal(p.own_dirs.count, 2);
    assert_string_equal(p.own_dirs.path[1], ".cache/mozilla");
    const struct bus_policy *b = &p.buses[BUS_SESSION];
    assert_true(b->filtered);
    assert_int_equal(b->verbs[BUS_TALK].count, 2);
    assert_string_equal(b->verbs[BUS_TALK].rule[1], "org.example.*");
    assert_int_equal(b->verbs[BUS_CALL].count, 2);
    assert_string_equal(b->verbs[BUS_CALL].rule[0], "org.example.App=org.example.Iface.Method@/org/example/*");
    assert_string_equal(p.buses[BUS_SYSTEM].verbs[BUS_TALK].rule[0], "org.freedesktop.UPower");
    assert_true(load("[profile]\naccessibility = allow\n").accessibility);
    assert_int_equal(load("[profile]\ndisplay = none\n").display, 0);
    assert_int_equal(load("[profile]\ndisplay = x11\n").display, DISPLAY_X11);
}

static void session_key_errors(void **state)
{
    (void)state;
    expect_error("[profile]\ndisplay = mir\n", "x.profile:2: bad value 'mir' for display: 'mir' is not a display server");
    expect_error("[profile]\nown-dirs = ../etc\n", "x.profile:2: bad value '../etc' for own-dirs");
    expect_error("[profile]\nown-dirs = /etc\n", "is not a directory inside the home");
    expect_error("[profile]\nown-dirs = .local/share\n", "holds the own directories of every profile");
    expect_error("[profile]\nown-dirs = .local/share/torgate/x\n", "holds the own directories of every profile");
    expect_error("[profile]\nown-dirs = .\n", "is not a directory inside the home");
    expect_error("[profile]\n\n[session-bus]\ntalk = org.freedesktop.Notifications\n",
                 "x.profile:4: rules for the session bus need session-bus = filtered in [profile]");
    expect_error("[profile]\nsession-bus = filtered\n[session-bus]\ntalk = :1.42\n", "x.profile:4: bad value ':1.42'");
    expect_error("[profile]\nsession-bus = filtered\n[session-bus]\ntalk = org\n", "is not a bus name");
    expect_error("[profile]\nsession-bus = filtered\n[session-bus]\ntalk = org..example\n", "is not a bus name");
    expect_error("[profile]\nsession-bus = filtered\n[session-bus]\ntalk = org.example.*.x\n", "is not a bus name");
    expect_error("[profile]\nsession-bus = filtered\n[session-bus]\ncall = org.example.App\n", "is not NAME=RULE");
    expect_error("[profile]\nsession-bus = filtered\n[session-bus]\ncall = org.example.App=@relative\n",
                 "is not NAME=RULE");
    expect_error("[profile]\nsession-bus = filtered\n[session-bus]\ncall = org.example.App=Method\n",
                 "is not NAME=RULE");
    expect_error("[profile]\nsession-bus = filtered\n[session-bus]\ntalk = --own=org.evil\n", "is not a bus name");
    expect_error("[profile]\nsession-bus = open\n", "expected filtered or none");
    expect_error("[profile]\nsound = yes\n", "expected allow or deny");
    expect_error("[profile]\naccessibility = on\n", "x.profile:2: bad value 'on' for accessibility");
    expect_error("[bus]\ntalk = org.example.App\n", "x.profile:2:");
}

static void session_keys_narrow(void **state)
{
    (void)state;
    const char *browser = "[profile]\ndisplay = wayland, x11\nsound = allow\nsession-bus = filtered\n"
                          "[session-bus]\ntalk = org.freedesktop.Notifications, org.example.A\n";
    expect_narrows(browser, "[profile]\ndisplay = wayland\n", true, -1);
    expect_narrows(browser, "[profile]\nsession-bus = filtered\n[session-bus]\ntalk = org.example.A\n", true, -1);
    expect_narrows("[profile]\ndisplay = wayland\n", "[profile]\ndisplay = x11\n", false, KEY_DISPLAY);
    expect_narrows("[profile]\nmode = tor\n", "[profile]\nsound = allow\n", false, KEY_SOUND);
    expect_narrows("[profile]\nmode = tor\n", "[profile]\naccessibility = allow\n", false, KEY_ACCESSIBILITY);
    expect_narrows("[profile]\naccessibility = allow\n", "[profile]\naccessibility = deny\n", true, -1);
    expect_narrows("[profile]\nmode = tor\n", "[profile]\nsession-bus = filtered\n", false, KEY_SESSION_BUS);
    expect_narrows("[profile]\nmode = tor\n", "[profile]\nsystem-bus = filtered\n", false, KEY_SYSTEM_BUS);
    expect_narrows(browser, "[profile]\nsession-bus = filtered\n[session-bus]\ntalk = org.example.B\n", false,
                   KEY_BUS_RULES + BUS_SESSION * BUS_VERBS + BUS_TALK);
    /* a name the system profile lets it talk to is not one it may own */
    expect_narrows(browser, "[profile]\nsession-bus = filtered\n[session-bus]\nown = org.example.A\n", false,
                   KEY_BUS_RULES + BUS_SESSION * BUS_VERBS + BUS_OWN);
}

static void proxy_arguments(void **state)
{
    (void)state;
    struct profile p = load("[profile]\nsession-bus = filtered\n[session-bus]\ntalk = org.a.B\n"
                            "call = org.a.C=org.a.I.M@/o\n");
    char *argv[BUS_PROXY_ARGS] = {0};
    size_t n = 0;
    bus_proxy_args(&p.buses[BUS_SESSION], "unix:path=/run/user/1/bus", "/x/session", argv, &n);
    const char *want[] = {"unix:path=/run/user/1/bus", "/x/session", "--filter", "--talk=org.a.B",
                          "--call=org.a.C=org.a.I.M@/o"};
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(argv[i], want[i]);
        free(argv[i]);
    }
    /* the accessibility bus: always filtered, no name to talk to, only the
     * registry's calls for registering an app */
    n = 0;
    char *a11y[BUS_A11Y_PROXY_ARGS] = {0};
    bus_a11y_proxy_args("unix:path=/run/user/1/at-spi/bus", "/x/a11y", a11y, &n);
    assert_true(n > 4 && n <= BUS_A11Y_PROXY_ARGS);
    assert_string_equal(a11y[0], "unix:path=/run/user/1/at-spi/bus");
    assert_string_equal(a11y[1], "/x/a11y");
    assert_string_equal(a11y[2], "--filter");
    assert_string_equal(a11y[3], "--sloppy-names");
    for (size_t i = 4; i < n; i++) {
        assert_true(strncmp(a11y[i], "--call=org.a11y.atspi.Registry=", 31) == 0 ||
                    strncmp(a11y[i], "--broadcast=org.a11y.atspi.Registry=", 36) == 0);
        assert_null(strstr(a11y[i], "*"));
    }
    for (size_t i = 0; i < n; i++)
        free(a11y[i]);
    assert_true(bus_address_local("unix:path=/run/user/1000/bus"));
    assert_true(bus_address_local("unix:abstract=/tmp/dbus-x,guid=0"));
    assert_false(bus_address_local("tcp:host=1.2.3.4,port=1"));
    assert_false(bus_address_local("unix:path=/a;tcp:host=x"));
    assert_false(bus_address_local("unix:path=relative"));
    assert_false(bus_address_local(NULL));
}

static void profile_names_are_plain(void **state)
{
    (void)state;
    assert_true(profile_name_valid("firefox-esr"));
    assert_true(profile_name_valid("tor_browser.2"));
    assert_false(profile_name_valid(""));
    assert_false(profile_name_valid(".hidden"));
    assert_false(profile_name_valid("../etc/passwd"));
    assert_false(profile_name_valid("a/b"));
    assert_false(profile_name_valid("a b"));
    char long_name[80];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    assert_false(profile_name_valid(long_name));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_follow_the_mode), cmocka_unit_test(every_key),
        cmocka_unit_test(errors_name_the_line),     cmocka_unit_test(user_profiles_only_narrow),
        cmocka_unit_test(profile_names_are_plain),  cmocka_unit_test(long_lines_are_refused),
        cmocka_unit_test(session_keys),             cmocka_unit_test(session_key_errors),
        cmocka_unit_test(session_keys_narrow),      cmocka_unit_test(proxy_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
