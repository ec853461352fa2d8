/* The sandbox's first process: its namespaces, network and mounts. */
#include "sandbox.h"

#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>

#include "caps.h"
#include "environment.h"
#include "link.h"
#include "seccomp_filter.h"
#include "sysctl.h"
#include "util.h"

/* Per network namespace: IPv6 off (Tor does not carry it), Packetization
 * Layer PMTUD on (Tor drops ICMP, so classic PMTUD is broken), and no
 * automatic conntrack helpers on kernels that still have that switch. */
static void network_sysctls(void)
{
    sysctl_write_optional("net/ipv6/conf/all/disable_ipv6", "1");
    sysctl_write_optional("net/ipv6/conf/default/disable_ipv6", "1");
    sysctl_write_optional("net/ipv6/conf/lo/disable_ipv6", "1");
    sysctl_write_optional("net/ipv6/conf/" SANDBOX_IFNAME "/disable_ipv6", "1");
    sysctl_write("net/ipv4/tcp_mtu_probing", "1");
    sysctl_write_optional("net/netfilter/nf_conntrack_helper", "0");
}

/* The caller's working directory, looked up again by its path in the
 * sandbox's mount namespace: the directory inherited from the host is the
 * one below whatever the sandbox lays over it (started in /run/nscd, COMMAND
 * would reach nscd's real socket through "."). As bubblewrap does, the home
 * directory, then /, where the path leads nowhere. */
static void enter_working_directory(const char *cwd)
{
    if (cwd && chdir(cwd) == 0)
        return;
    struct passwd *pw = getpwuid(getuid());
    if (pw && pw->pw_dir && pw->pw_dir[0] == '/' && chdir(pw->pw_dir) == 0)
        return;
    if (chdir("/") != 0)
        die_with_error("cannot enter a working directory in the sandbox");
}

void sandbox_main(const struct sandbox_plan *plan, struct sandbox_channel ch)
{
    report_errors_to(ch.error_fd);
    /* If the launcher dies, so does the sandbox: nothing runs unwatched. A
     * launcher that died before this line is noticed at the slot read. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
        die_with_error("cannot tie the sandbox to the launcher");

    caps_raise();
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0)
        die_with_error("cannot create the sandbox's network and mount namespaces");
    char ready = 1;
    if (!write_all(ch.ready_fd, &ready, 1))
        _exit(EXIT_TORGATE);
    close(ch.ready_fd);

    struct slot slot;
    if (!read_all(ch.slot_fd, &slot, sizeof slot))
        _exit(EXIT_TORGATE); /* the launcher failed and says why */
    close(ch.slot_fd);

    network_sysctls();
    if (slot.index == NO_SLOT)
        sandbox_loopback_only();
    else
        sandbox_link_configure(&slot);
    char *resolv = resolv_conf_render(plan, &slot);
    sandbox_mounts(resolv, plan->user_config_dir);
    free(resolv); /* init_run() does not return: cleanup attributes would not run */
    caps_lower();
    /* Nothing privileged is left but dropping: COMMAND's environment. */
    environment_restore_caller();
    if (plan->profile->proxy_env)
        proxy_env_apply(plan, &slot);
    enter_working_directory(plan->cwd);
    const struct profile *p = plan->profile;
    struct seccomp_policy policy = {
        .mode = p->mode,
        .gateway = slot.gateway,
        .allow_dns = p->dns == DNS_TOR,
        .allow_lan = p->lan,
        .pool = plan->cfg->pool,
        .allow_user_namespaces = p->user_namespaces,
    };
    init_run(plan->argv, ch.error_fd, &policy);
}
