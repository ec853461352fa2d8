/* The plan: what each mode and each profile key amounts to, decided in one
 * place (plan.c). Each profile is parsed from text, as a user would write it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"
#include "ruleset.h"

static struct torgate_config cfg;

static int setup(void **state)
{
    (void)state;
    config_set_defaults(&cfg);
    return 0;
}

static struct plan plan_of(const char *profile_text, struct profile *p)
{
    char *err = NULL;
    *p = (struct profile){0};
    if (!profile_load_string(p, profile_text, "t.profile", &err))
        fail_msg("%s", err);
    struct plan plan;
    plan_build(&plan, &cfg, p, NULL);
    return plan;
}

static void tor_mode(void **state)
{
    (void)state;
    struct profile p;
    struct plan plan = plan_of("[profile]\nmode = tor\n", &p);
    assert_true(plan.networked);
    assert_int_equal(plan.link.group, LINK_GROUP_TOR);
    assert_false(plan.link.forwarding);
    assert_true(plan.link.route_localnet);
    assert_false(plan.uplink_forwarding);
    assert_int_equal(plan.seccomp.mode, MODE_TOR);
    assert_true(plan.seccomp.allow_dns);
    assert_false(plan.seccomp.allow_lan);
    assert_false(plan.seccomp.allow_user_namespaces);
    assert_int_equal(plan.dns, DNS_TOR);
    assert_true(plan.tor_port_warning);
    assert_false(plan.proxy.set);
}

static void clearnet_mode(void **state)
{
    (void)state;
    struct profile p;
    struct plan plan = plan_of("[profile]\nmode = clearnet\n", &p);
    assert_int_equal(plan.link.group, LINK_GROUP_CLEARNET);
    assert_true(plan.link.forwarding);
    assert_false(plan.link.route_localnet);
    assert_true(plan.uplink_forwarding);
    assert_int_equal(plan.dns, DNS_CLEARNET);
    assert_false(plan.seccomp.allow_dns);
    assert_false(plan.tor_port_warning);
}

static void i2p_mode(void **state)
{
    (void)state;
    struct profile p;
    struct plan plan = plan_of("[profile]\nmode = i2p\nproxy-env = yes\n", &p);
    assert_int_equal(plan.link.group, LINK_GROUP_I2P | LINK_GROUP_NO_DNS);
    assert_true(plan.link.route_localnet);
    assert_false(plan.uplink_forwarding);
    assert_int_equal(plan.dns, DNS_NONE);
    assert_true(plan.proxy.set);
    assert_string_equal(plan.proxy.all_scheme, "http");
    assert_int_equal(plan.proxy.all_port, cfg.i2p_http_proxy.port);
}

static void offline_mode(void **state)
{
    (void)state;
    struct profile p;
    struct plan plan = plan_of("[profile]\nmode = offline\nproxy-env = yes\n", &p);
    assert_false(plan.networked);
    assert_false(plan.uplink_forwarding);
    assert_int_equal(plan.dns, DNS_NONE);
    assert_false(plan.proxy.set); /* nothing to point at */
}

static void lan_allow_in_tor_mode(void **state)
{
    (void)state;
    struct profile p;
    struct plan plan = plan_of("[profile]\nmode = tor\nlan = allow\n", &p);
    assert_int_equal(plan.link.group, LINK_GROUP_TOR | LINK_GROUP_LAN);
    assert_true(plan.link.forwarding);
    assert_true(plan.link.route_localnet);
    assert_true(plan.uplink_forwarding);
    assert_true(plan.seccomp.allow_lan);
    assert_true(link_group_forwards(plan.link.group));
}

static void dns_none_user_namespaces_proxy(void **state)
{
    (void)state;
    struct profile p;
    struct plan plan = plan_of("[profile]\nmode = tor\ndns = none\nuser-namespaces = allow\nproxy-env = yes\n", &p);
    assert_int_equal(plan.link.group, LINK_GROUP_TOR | LINK_GROUP_NO_DNS);
    assert_false(plan.seccomp.allow_dns);
    assert_true(plan.seccomp.allow_user_namespaces);
    assert_true(plan.proxy.set);
    assert_string_equal(plan.proxy.all_scheme, "socks5h");
    assert_int_equal(plan.proxy.all_port, cfg.socks_port.port);
    assert_int_equal(plan.proxy.http_port, 0); /* no HTTPTunnelPort configured */
}

static void the_view_per_mode_and_key(void **state)
{
    (void)state;
    struct profile p;
    struct plan plan = plan_of("[profile]\nmode = tor\n", &p);
    assert_string_equal(plan.view.hostname, GENERIC_HOSTNAME);
    assert_true(plan.view.own_machine_id);
    assert_true(plan.view.generic_account);
    assert_true(plan.view.utc);
    plan = plan_of("[profile]\nmode = offline\n", &p);
    assert_non_null(plan.view.hostname);
    plan = plan_of("[profile]\nmode = clearnet\n", &p);
    assert_null(plan.view.hostname);
    assert_false(plan.view.own_machine_id);
    assert_false(plan.view.generic_account);
    assert_false(plan.view.utc);
    plan = plan_of("[profile]\nmode = clearnet\naccount = generic\ntimezone = utc\n", &p);
    assert_null(plan.view.hostname);
    assert_true(plan.view.generic_account);
    assert_true(plan.view.utc);
    plan = plan_of("[profile]\nmode = tor\naccount = real\ntimezone = host\n", &p);
    assert_non_null(plan.view.hostname);
    assert_false(plan.view.generic_account);
    assert_false(plan.view.utc);
    char *err = NULL;
    assert_false(profile_load_string(&p, "[profile]\ntimezone = local\n", "t.profile", &err));
    assert_string_equal(err, "t.profile:2: bad value 'local' for timezone: expected utc or host");
    free(err);
}

/* torgate --explain's text for a profile named t (malloc'd). */
static char *explained(const char *profile_text)
{
    struct profile p;
    struct plan plan = plan_of(profile_text, &p);
    p.name = "t";
    p.path = "t.profile";
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    plan_explain(out, &plan);
    fclose(out);
    return text;
}

static void explain_prints_the_plan(void **state)
{
    (void)state;
    char *text = explained("[profile]\nmode = tor\nlan = allow\nhost-services = tcp/631\n");
    assert_non_null(strstr(text, "\nlink group       0x74670011 "));
    assert_non_null(strstr(text, "\nhost end         forwarding on, route_localnet on\n"));
    assert_non_null(strstr(text, "\nuplinks          forward while it runs"));
    assert_non_null(strstr(text, "the LAN but its port 53"));
    assert_non_null(strstr(text, "host_services { IFINDEX . tcp . 631 }"));
    assert_non_null(strstr(text, "\ndisplay          none\n"));
    assert_non_null(strstr(text, "\nsession bus      none\n"));
    assert_non_null(strstr(text, "\naccessibility    deny\n"));
    free(text);
    text = explained("[profile]\naccessibility = allow\n");
    assert_non_null(strstr(text, "\naccessibility    allow (the accessibility bus, filtered"));
    assert_non_null(strstr(text, "call org.a11y.atspi.Registry=org.a11y.atspi.Socket.Embed@/org/a11y/atspi/accessible/root\n"));
    free(text);
    text = explained("[profile]\ndisplay = wayland, x11\nsound = allow\nown-dirs = .mozilla\nsession-bus = filtered\n"
                     "[session-bus]\ntalk = org.freedesktop.Notifications\n");
    assert_non_null(strstr(text, "\ndisplay          wayland, x11 (any X client"));
    assert_non_null(strstr(text, "\nsound            allow (a PulseAudio of its own"));
    assert_non_null(strstr(text, "\nown-dirs         .mozilla (kept in ~/.local/share/torgate/t)\n"));
    assert_non_null(strstr(text, "\nsession bus      filtered (xdg-dbus-proxy); talk org.freedesktop.Notifications\n"));
    free(text);
}

/* What of the caller's session the sandbox gets (desktop.c). */
static struct desktop_plan desktop_of(const char *profile_text, const struct desktop_caller *caller)
{
    struct profile p = {0};
    char *err = NULL;
    if (!profile_load_string(&p, profile_text, "t.profile", &err))
        fail_msg("%s", err);
    struct desktop_plan d;
    desktop_plan_build(&d, &p, caller, 1000);
    return d;
}

static void the_desktop_per_key(void **state)
{
    (void)state;
    struct desktop_caller c = {.display = ":0.0", .wayland_display = "wayland-1", .runtime_dir = "/run/user/1000",
                               .xauthority = "/run/user/1000/gdm/Xauthority",
                               .bus = {"unix:path=/run/user/1000/bus", "unix:path=/run/dbus/system_bus_socket"},
                               .sound = "/run/user/1000/pulse/native"};
    struct desktop_plan d = desktop_of("[profile]\ndisplay = wayland, x11\nsound = allow\nsession-bus = filtered\n", &c);
    assert_string_equal(d.runtime_dir, "/run/user/1000");
    assert_string_equal(d.x11_socket, "/tmp/.X11-unix/X0");
    assert_string_equal(d.xauthority, "/run/user/1000/gdm/Xauthority");
    assert_string_equal(d.wayland_socket, "/run/user/1000/wayland-1");
    assert_string_equal(d.wayland_name, "wayland-1");
    assert_string_equal(d.bus[BUS_SESSION], "unix:path=/run/user/1000/bus");
    assert_null(d.bus[BUS_SYSTEM]); /* the profile does not give it */
    assert_true(d.proxy);
    assert_string_equal(d.sound, "/run/user/1000/pulse/native");
    assert_true(d.helpers);
    assert_null(d.a11y_bus); /* the profile does not give it */
    /* Accessibility alone: the proxy, for its bus only. */
    c.a11y_bus = "unix:path=/run/user/1000/at-spi/bus_0";
    d = desktop_of("[profile]\naccessibility = allow\n", &c);
    assert_string_equal(d.a11y_bus, "unix:path=/run/user/1000/at-spi/bus_0");
    assert_null(d.bus[BUS_SESSION]);
    assert_true(d.proxy && d.helpers);
    /* Nothing the profile does not name. */
    d = desktop_of("[profile]\nmode = tor\n", &c);
    assert_string_equal(d.x11_socket, "");
    assert_string_equal(d.xauthority, "");
    assert_string_equal(d.wayland_socket, "");
    assert_null(d.bus[BUS_SESSION]);
    assert_string_equal(d.sound, "");
    assert_false(d.helpers);
    /* DISPLAY forms: local servers only. */
    const char *displays[][2] = {{":12", "/tmp/.X11-unix/X12"}, {"unix:3.1", "/tmp/.X11-unix/X3"},
                                 {"host:0", ""},          {":", ""},
                                 {":1x", ""},             {"/tmp/launch/org.xquartz:0", ""}};
    for (size_t i = 0; i < sizeof displays / sizeof displays[0]; i++) {
        c.display = displays[i][0];
        d = desktop_of("[profile]\ndisplay = x11\n", &c);
        assert_string_equal(d.x11_socket, displays[i][1]);
    }
    /* WAYLAND_DISPLAY: a name in the runtime directory, or an absolute path. */
    c.wayland_display = "/run/weston/wl-9";
    assert_string_equal(desktop_of("[profile]\ndisplay = wayland\n", &c).wayland_socket, "/run/weston/wl-9");
    assert_string_equal(desktop_of("[profile]\ndisplay = wayland\n", &c).wayland_name, "wl-9");
    c.wayland_display = "a/b";
    assert_string_equal(desktop_of("[profile]\ndisplay = wayland\n", &c).wayland_socket, "");
    c.wayland_display = "/run/user/1000/..";
    assert_string_equal(desktop_of("[profile]\ndisplay = wayland\n", &c).wayland_socket, "");
    c.wayland_display = "wayland-0";
    c.runtime_dir = NULL;
    assert_string_equal(desktop_of("[profile]\ndisplay = wayland\n", &c).wayland_socket, "/run/user/1000/wayland-0");
    c.wayland_display = NULL; /* no Wayland session */
    assert_string_equal(desktop_of("[profile]\ndisplay = wayland\n", &c).wayland_socket, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tor_mode),
        cmocka_unit_test(clearnet_mode),
        cmocka_unit_test(i2p_mode),
        cmocka_unit_test(offline_mode),
        cmocka_unit_test(lan_allow_in_tor_mode),
        cmocka_unit_test(dns_none_user_namespaces_proxy),
        cmocka_unit_test(the_view_per_mode_and_key),
        cmocka_unit_test(explain_prints_the_plan),
        cmocka_unit_test(the_desktop_per_key),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
