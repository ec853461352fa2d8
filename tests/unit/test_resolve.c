/* Profile resolution and who may use a profile, as errors (values, never an
 * exit): system and user directories of the test's own. Runs as root, as
 * make check does (system profiles must be root's). */
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy.h"
#include "profile.h"

static char root[64], etc[96], share[96], user[96], profiles[128];

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, 0644);
}

static int setup(void **state)
{
    (void)state;
    strcpy(root, "/tmp/torgate-unit.XXXXXX");
    if (!mkdtemp(root))
        return -1;
    chmod(root, 0755);
    snprintf(etc, sizeof etc, "%s/etc", root);
    snprintf(share, sizeof share, "%s/share", root);
    snprintf(user, sizeof user, "%s/user", root);
    snprintf(profiles, sizeof profiles, "%s/profiles", user);
    mkdir(etc, 0755), mkdir(share, 0755), mkdir(user, 0755), mkdir(profiles, 0755);
    write_file(share, "default.profile", "[profile]\nmode = tor\n");
    write_file(share, "unsafe-browser.profile", "[profile]\nmode = clearnet\ndns = clearnet\nlan = allow\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd);
}

static struct profile_dirs dirs(void) { return (struct profile_dirs){{etc, share}, user}; }

static void user_only_profile_narrows_default(void **state)
{
    (void)state;
    write_file(profiles, "mine.profile", "[profile]\nmode = offline\n");
    struct profile_dirs d = dirs();
    struct profile p = {0};
    char *err = NULL;
    assert_true(profile_resolve(&d, &p, "mine", NULL, &err));
    assert_string_equal(p.name, "mine");
    assert_int_equal(p.mode, MODE_OFFLINE);
    assert_non_null(strstr(p.path, "/user/profiles/mine.profile"));
    profile_clear(&p);
    /* wider than default: refused, naming the file and line */
    write_file(profiles, "wide.profile", "[profile]\nmode = tor\nlan = allow\n");
    assert_false(profile_resolve(&d, &p, "wide", NULL, &err));
    assert_non_null(strstr(err, "wide.profile:3: lan = allow is not granted by the system profile"));
    free(err);
}

static void unknown_and_invalid_names(void **state)
{
    (void)state;
    struct profile_dirs d = dirs();
    struct profile p = {0};
    char *err = NULL;
    assert_false(profile_resolve(&d, &p, "nothing-here", NULL, &err));
    assert_non_null(strstr(err, "unknown profile 'nothing-here'"));
    free(err), err = NULL;
    assert_false(profile_resolve(&d, &p, "../etc", NULL, &err));
    assert_non_null(strstr(err, "invalid profile name"));
    free(err), err = NULL;
    /* COMMAND's name without a profile of its own: default */
    assert_true(profile_resolve(&d, &p, NULL, "/usr/bin/nothing-here", &err));
    assert_string_equal(p.name, "default");
    profile_clear(&p);
}

static void untrusted_system_profile(void **state)
{
    (void)state;
    struct profile_dirs d = dirs();
    struct profile p = {0};
    char *err = NULL;
    chmod(share, 0777);
    bool resolved = profile_resolve(&d, &p, "default", NULL, &err);
    chmod(share, 0755);
    assert_false(resolved);
    assert_non_null(strstr(err, "refusing system profile"));
    free(err);
}

static void clearnet_is_for_the_group(void **state)
{
    (void)state;
    struct profile_dirs d = dirs();
    struct torgate_config cfg;
    config_set_defaults(&cfg);
    struct profile p = {0};
    char *err = NULL;
    assert_true(profile_resolve(&d, &p, "unsafe-browser", NULL, &err));
    assert_false(policy_authorize(&cfg, &p, &err));
    assert_non_null(strstr(err, "reaches the network without Tor, which is off on this computer"));
    free(err), err = NULL;
    /* a narrowing of it, in tor mode, is gated all the same */
    write_file(profiles, "unsafe-browser.profile", "[profile]\nmode = tor\ndns = tor\nlan = allow\n");
    profile_clear(&p);
    assert_true(profile_resolve(&d, &p, "unsafe-browser", NULL, &err));
    assert_int_equal(p.mode, MODE_TOR);
    assert_true(p.gated);
    assert_false(policy_authorize(&cfg, &p, &err));
    assert_non_null(strstr(err, "stands in for a profile that reaches the network without Tor"));
    free(err), err = NULL;
    /* control: for a member of the group, both are allowed */
    cfg.clearnet_group = strdup(getgrgid(getgid())->gr_name);
    assert_true(policy_authorize(&cfg, &p, &err));
    free(cfg.clearnet_group);
    cfg.clearnet_group = strdup("torgate-no-such-group");
    assert_false(policy_authorize(&cfg, &p, &err));
    assert_non_null(strstr(err, "which does not exist"));
    free(err);
    profile_clear(&p);
    config_clear(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(user_only_profile_narrows_default),
        cmocka_unit_test(unknown_and_invalid_names),
        cmocka_unit_test(untrusted_system_profile),
        cmocka_unit_test(clearnet_is_for_the_group),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
