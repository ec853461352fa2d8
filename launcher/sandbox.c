/* The sandbox's first process: its namespaces, network and mounts, as a
 * list of steps; each privileged one is privileged.c's. */
#include "sandbox.h"

#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "automap.h"
#include "datagram_island.h"
#include "desktop.h"
#include "environment.h"
#include "init.h"
#include "mounts.h"
#include "privileged.h"
#include "proxy_env.h"
#include "resolv.h"
#include "util.h"

/* If the launcher dies, so does the sandbox: nothing runs unwatched. A
 * launcher that died before this is noticed at the slot read. */
static void tie_to_launcher(void)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
        die_with_error("cannot tie the sandbox to the launcher");
}

static void say_namespaces_ready(struct sandbox_channel *ch)
{
    char ready = 1;
    if (!write_all(ch->ready_fd, &ready, 1))
        _exit(EXIT_TORGATE);
    close(ch->ready_fd);
}

static struct slot await_slot(struct sandbox_channel *ch)
{
    struct slot slot;
    if (!read_all(ch->slot_fd, &slot, sizeof slot))
        _exit(EXIT_TORGATE); /* the launcher failed and says why */
    close(ch->slot_fd);
    return slot;
}

static void mount_sandbox_view(const struct plan *plan, const struct slot *slot, int helpers_fd)
{
    char *resolv = resolv_conf_render(plan, slot);
    sandbox_mounts(&(struct sandbox_view){resolv, plan->user_config_dir, &plan->view, plan->home, &plan->startup,
                                          &plan->desktop, helpers_fd, plan->profile->name,
                                          &plan->profile->own_dirs});
    free(resolv);
}

/* The variables of the sandbox's view: UTC, whatever the caller's TZ. */
static void view_environment(const struct view_plan *view)
{
    if (view->utc && setenv("TZ", "UTC", 1) != 0)
        die_with_error("cannot set TZ");
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

void sandbox_main(const struct plan *plan, struct sandbox_channel ch)
{
    report_errors_to(ch.error_fd);
    tie_to_launcher();
    priv_sandbox_namespaces(plan->view.hostname);
    /* The island's maker is forked before the launcher makes the link, so
     * that a fork the user's limits refuse is the one failure it reports,
     * and makes the island while the launcher makes the link. */
    bool island_wanted = plan->seccomp.datagram_island && seccomp_filter_has_island();
    /* Static: init's life ends in _exit(), and what it holds stays reachable. */
    static struct datagram_island *island;
    if (island_wanted)
        island = datagram_island_open(plan->seccomp.allow_dns, ch.error_fd);
    say_namespaces_ready(&ch);
    struct slot slot = await_slot(&ch);
    priv_sandbox_network(&slot, (struct sandbox_nat){.control_port = plan->control.port,
                                                     .onions = plan->control.onion_targets,
                                                     .dns_guard = plan->seccomp.allow_dns,
                                                     .dns_tcp = plan->seccomp.allow_dns && plan->seccomp.dns_resolver.port,
                                                     .socks_port = plan->seccomp.socks_port,
                                                     .automap = ch.automap_fd >= 0});
    if (ch.automap_fd >= 0) {
        autoclose int nl = priv_sandbox_nat_socket();
        automap_hand_socket(ch.automap_fd, nl);
    }
    struct seccomp_policy policy = plan->seccomp;
    policy.gateway = slot.gateway;
    policy.datagram_island = island_wanted;
    if (island)
        datagram_island_place(island, slot.gateway);
    mount_sandbox_view(plan, &slot, ch.helpers_fd);
    if (ch.helpers_fd >= 0)
        close(ch.helpers_fd);
    /* Nothing privileged is left but dropping: COMMAND's environment. */
    environment_restore_caller();
    proxy_env_apply(&plan->proxy, &slot);
    control_env_apply(&plan->control);
    view_environment(&plan->view);
    desktop_environment(&plan->desktop);
    enter_working_directory(plan->cwd);
    init_run(plan->argv, ch.error_fd, &policy, island, ch.automap_fd);
}
