/* libcap-ng wrappers: the only place that changes torgate's capabilities. */
#include "caps.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cap-ng.h>

#include "util.h"

/* Written once: caps.h's TORGATE_FILE_CAPS names the same three, and its
 * CAPS_* bits index this table. */
static const unsigned int needed_caps[] = {CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_SETPCAP};

bool caps_file_carries_all(int fd)
{
    /* libcap-ng keeps one state: the file's capabilities are read into it
     * and the process's own put back after. */
    void *process = capng_save_state();
    capng_clear(CAPNG_SELECT_BOTH);
    bool ok = capng_get_caps_fd(fd) == 0;
    for (size_t i = 0; ok && i < N_ELEMENTS(needed_caps); i++)
        ok = capng_have_capability(CAPNG_PERMITTED, needed_caps[i]);
    capng_restore_state(&process);
    return ok;
}

static void apply_or_die(capng_select_t set, const char *what)
{
    int rc = capng_apply(set);
    if (rc != 0)
        die("cannot %s (libcap-ng error %d)", what, rc);
}

void caps_become_user(const char *name)
{
    struct passwd *pw = getpwnam(name);
    if (!pw)
        die("--user %s: no such user", name);
    if (pw->pw_uid == 0 || pw->pw_gid == 0)
        die("--user %s: COMMAND never runs as uid 0 or gid 0; name an ordinary user", name);
    /* Root's capabilities survive the change of uid (keep-caps, permitted
     * set only); caps_init() then keeps the three torgate needs, as for a
     * user who runs the installed binary. */
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
        prctl(PR_SET_KEEPCAPS, 1) != 0 || setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0 ||
        prctl(PR_SET_KEEPCAPS, 0) != 0)
        die_with_error("cannot become user %s", name);
}

void caps_init(void)
{
    if (capng_get_caps_process() != 0)
        die_with_error("cannot read torgate's capabilities");
    for (size_t i = 0; i < N_ELEMENTS(needed_caps); i++) {
        if (!capng_have_capability(CAPNG_PERMITTED, needed_caps[i]))
            die("torgate lacks %s: %s", capng_capability_to_name(needed_caps[i]), TORGATE_SET_CAPS_HOW);
    }
    capng_clear(CAPNG_SELECT_CAPS);
    for (size_t i = 0; i < N_ELEMENTS(needed_caps); i++)
        capng_update(CAPNG_ADD, CAPNG_PERMITTED, needed_caps[i]);
    apply_or_die(CAPNG_SELECT_CAPS, "reduce torgate's capabilities");
}

void caps_check_init(void)
{
    /* torgate check needs CAP_NET_ADMIN at most (to read the ruleset), and
     * must work without it (an uninstalled binary). */
    capng_get_caps_process();
    bool net_admin = capng_have_capability(CAPNG_PERMITTED, CAP_NET_ADMIN);
    capng_clear(CAPNG_SELECT_CAPS);
    if (net_admin)
        capng_update(CAPNG_ADD, CAPNG_PERMITTED, CAP_NET_ADMIN);
    capng_apply(CAPNG_SELECT_CAPS);
}

void caps_drop_quietly(void)
{
    capng_clear(CAPNG_SELECT_CAPS);
    capng_apply(CAPNG_SELECT_CAPS); /* with none to begin with, nothing to do */
}

bool caps_try_raise(unsigned which)
{
    for (size_t i = 0; i < N_ELEMENTS(needed_caps); i++)
        if ((which & (1u << i)) && capng_have_capability(CAPNG_PERMITTED, needed_caps[i]))
            capng_update(CAPNG_ADD, CAPNG_EFFECTIVE, needed_caps[i]);
    return capng_apply(CAPNG_SELECT_CAPS) == 0;
}

void caps_raise(unsigned which)
{
    if (!caps_try_raise(which))
        die("cannot raise capabilities");
}

void caps_lower(void)
{
    for (size_t i = 0; i < N_ELEMENTS(needed_caps); i++)
        capng_update(CAPNG_DROP, CAPNG_EFFECTIVE, needed_caps[i]);
    apply_or_die(CAPNG_SELECT_CAPS, "lower capabilities");
}

void caps_root_over_users(void)
{
    capng_clear(CAPNG_SELECT_BOTH);
    capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_DAC_OVERRIDE, CAP_KILL, -1);
    apply_or_die(CAPNG_SELECT_BOTH, "keep only CAP_DAC_OVERRIDE and CAP_KILL");
}

void caps_keep_net_admin(void)
{
    caps_raise(CAPS_SETPCAP); /* the bounding set needs it */
    capng_clear(CAPNG_SELECT_ALL);
    capng_update(CAPNG_ADD, CAPNG_PERMITTED, CAP_NET_ADMIN);
    apply_or_die(CAPNG_SELECT_ALL, "drop all capabilities but CAP_NET_ADMIN");
}

static void check_no_capabilities(void)
{
    if (capng_get_caps_process() != 0)
        die_with_error("cannot read capabilities after dropping them");
    if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
        die("capabilities remain after dropping them; not running the command");
    for (unsigned long cap = 0; cap < 64; cap++) { /* beyond the header: newer kernels */
        if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
            die("capability %lu remains in the bounding set; not running the command", cap);
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) == 1)
            die("capability %lu remains in the ambient set; not running the command", cap);
    }
}

void caps_drop_all(void)
{
    /* What this process holds now: in a user namespace of its own, every
     * capability of that namespace, whatever the launcher had. */
    if (capng_get_caps_process() != 0)
        die_with_error("cannot read capabilities before dropping them");
    caps_raise(CAPS_SETPCAP); /* the bounding set and securebits need it */
    int rc = capng_lock();
    if (rc != 0)
        die("cannot lock securebits (libcap-ng error %d)", rc);
    capng_clear(CAPNG_SELECT_ALL);
    apply_or_die(CAPNG_SELECT_ALL, "drop every capability");
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        die_with_error("cannot set no_new_privs");
    check_no_capabilities();
}
