/* Loads the seccomp filter compiled at build time for the sandbox's mode
 * (seccomp_generate.c from the rules of seccomp_rules.c); see
 * seccomp_filter.h. */
#include "seccomp_filter.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp_programs.h" /* generated */
#include "util.h"

static const struct seccomp_program *program_for(const struct seccomp_policy *policy)
{
    for (size_t i = 0; i < N_ELEMENTS(seccomp_programs); i++)
        if (seccomp_programs[i].mode == policy->mode &&
            seccomp_programs[i].allow_user_namespaces == policy->allow_user_namespaces &&
            seccomp_programs[i].datagram_island == (policy->mode == MODE_TOR && policy->datagram_island))
            return &seccomp_programs[i];
    die("no seccomp filter was compiled for mode %d", (int)policy->mode); /* a bug */
}

bool seccomp_filter_has_island(void) { return true; }

int seccomp_filter_load(const struct seccomp_policy *policy)
{
    const struct seccomp_program *p = program_for(policy);
    struct sock_fprog prog = {.len = p->len, .filter = (struct sock_filter *)p->filter};
    /* Tor mode's filter hands datagram sockets (or, without an island,
     * datagrams' destinations) to the supervisor: the kernel gives the
     * listener of its notifications. */
    unsigned flags = policy->mode == MODE_TOR ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        die_with_error("cannot set no_new_privs");
    int rc = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (rc < 0)
        die("cannot load the seccomp filter: %s (does the kernel have CONFIG_SECCOMP_FILTER?)", strerror(errno));
    return policy->mode == MODE_TOR ? rc : -1;
}
