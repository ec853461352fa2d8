/* Desktop entries made to start through torgate (desktop_entry.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "desktop_entry.h"

static bool known_profile(const char *name, void *ctx)
{
    (void)ctx;
    return strcmp(name, "firefox-esr") == 0 || strcmp(name, "gedit") == 0;
}

static const struct wrap_request req = {.torgate = "/usr/bin/torgate", .has_profile = known_profile};

static char *wrapped(const char *text, const char *profile)
{
    char *out = NULL, *p = NULL, *why = NULL;
    if (!desktop_entry_wrap(text, &req, &out, &p, &why))
        fail_msg("not wrapped: %s", why);
    assert_string_equal(p, profile);
    free(p);
    return out;
}

static void refused(const char *text, const char *reason)
{
    char *out = NULL, *p = NULL, *why = NULL;
    if (desktop_entry_wrap(text, &req, &out, &p, &why))
        fail_msg("wrapped: %s", out);
    if (!strstr(why, reason))
        fail_msg("'%s' does not say '%s'", why, reason);
    free(why);
}

static void every_exec_and_nothing_else(void **state)
{
    (void)state;
    const char *entry = "# a comment\n[Desktop Entry]\nName=Firefox ESR\nName[fr]=Firefox ESR (fr)\n"
                        "Exec=/usr/lib/firefox-esr/firefox-esr %u\nType=Application\nMimeType=text/html;\n"
                        "Actions=new-private;\n\n[Desktop Action new-private]\nName=Private\n"
                        "Exec = /usr/lib/firefox-esr/firefox-esr --private-window %u\n"
                        "[X-Other Group]\nExec=not-an-exec\n";
    char *out = wrapped(entry, "firefox-esr");
    assert_string_equal(out, "# a comment\n[Desktop Entry]\nX-Torgate-Profile=firefox-esr\nName=Firefox ESR\n"
                             "Name[fr]=Firefox ESR (fr)\n"
                             "Exec=/usr/bin/torgate --profile firefox-esr -- /usr/lib/firefox-esr/firefox-esr %u\n"
                             "Type=Application\nMimeType=text/html;\nActions=new-private;\n\n"
                             "[Desktop Action new-private]\nName=Private\n"
                             "Exec = /usr/bin/torgate --profile firefox-esr -- /usr/lib/firefox-esr/firefox-esr "
                             "--private-window %u\n[X-Other Group]\nExec=not-an-exec\n");
    char *profile = desktop_entry_wrapped_profile(out);
    assert_string_equal(profile, "firefox-esr");
    free(profile);
    assert_null(desktop_entry_wrapped_profile(entry));
    refused(out, "already wrapped");
    free(out);
}

/* A launcher would start a D-Bus activatable app by activation, never by
 * its Exec: that is turned off (firejail#1574). Quoted programs, no final
 * newline. */
static void dbus_activation_off(void **state)
{
    (void)state;
    char *out = wrapped("[Desktop Entry]\nType=Application\nDBusActivatable=true\nExec=\"/usr/bin/gedit\" %U", "gedit");
    assert_string_equal(out, "[Desktop Entry]\nX-Torgate-Profile=gedit\nType=Application\nDBusActivatable=false\n"
                             "Exec=/usr/bin/torgate --profile gedit -- \"/usr/bin/gedit\" %U");
    free(out);
}

static void what_is_left_alone(void **state)
{
    (void)state;
    refused("[Desktop Entry]\nType=Link\nURL=http://example.org/\n", "not an application");
    refused("[Desktop Entry]\nType=Application\nName=x\n", "no Exec");
    refused("[Desktop Entry]\nType=Application\nExec=vim %F\n", "no torgate profile for its program, vim");
    refused("[Desktop Entry]\nType=Application\nExec=env A=1 firefox-esr\n", "for its program, env");
    refused("[Desktop Entry]\nType=Application\nExec=/usr/bin/torgate firefox-esr\n", "already torgate");
    refused("[Desktop Entry]\nType=Application\nExec=\"/usr/bin/firefox-esr %u\n", "a quote that does not end");
    refused("[Desktop Action x]\nType=Application\nExec=firefox-esr\n", "not an application");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_exec_and_nothing_else),
        cmocka_unit_test(dbus_activation_off),
        cmocka_unit_test(what_is_left_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
