/* The launcher: the host side of a sandbox, from firewall to exit status. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "caps.h"
#include "check.h"
#include "firewall.h"
#include "link.h"
#include "policy.h"
#include "util.h"

/* What exit() must undo if the launcher dies after creating it. */
static struct {
    pid_t child;
    struct nl_sock *sk;
    char ifname[16];
    bool lease; /* the forwarding lease is ours */
} made;

static void undo_made(void)
{
    /* Forwarding turned on for nothing stays, guarded, for the next launch
     * to undo: nothing here may die. */
    if (made.lease && caps_try_raise()) {
        made.lease = false;
        firewall_lease_give();
    }
    if (made.child > 0) {
        kill(made.child, SIGKILL);
        while (waitpid(made.child, NULL, 0) < 0 && errno == EINTR)
            ;
        made.child = 0;
    }
    if (made.sk && made.ifname[0]) {
        if (caps_try_raise())
            host_link_delete(made.sk, made.ifname);
        made.ifname[0] = '\0';
    }
}

static int wait_status(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return EXIT_TORGATE;
    made.child = 0;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* Reads the sandbox's error channel to EOF. Returns true when COMMAND was
 * exec'd; otherwise prints the sandbox's error line and sets *status. */
static bool command_started(int error_fd, int *status)
{
    char buf[2048];
    size_t len = 0;
    for (;;) {
        ssize_t n = read(error_fd, buf + len, sizeof buf - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || (len += (size_t)n) == sizeof buf - 1)
            break;
    }
    if (len == 0)
        return true;
    buf[len] = '\0';
    *status = (unsigned char)buf[0];
    fprintf(stderr, "torgate: %s\n", buf + 1);
    return false;
}

static pid_t start_sandbox(const struct sandbox_plan *plan, struct sandbox_channel *mine)
{
    int ready[2], slot[2], error[2];
    if (pipe2(ready, O_CLOEXEC) || pipe2(slot, O_CLOEXEC) || pipe2(error, O_CLOEXEC))
        die_with_error("cannot create pipes");
    /* Children of this process are born in a new PID namespace; the launcher
     * itself stays where it is. */
    if (unshare(CLONE_NEWPID) != 0)
        die_with_error("cannot create a PID namespace");
    pid_t pid = fork();
    if (pid < 0)
        die_with_error("cannot fork the sandbox");
    if (pid == 0) {
        close(ready[0]);
        close(slot[1]);
        close(error[0]);
        sandbox_main(plan, (struct sandbox_channel){ready[1], slot[0], error[1]});
    }
    close(ready[1]);
    close(slot[0]);
    close(error[1]);
    *mine = (struct sandbox_channel){ready[0], slot[1], error[0]};
    return pid;
}

/* The sandbox failed during setup: its own line says why. */
__attribute__((noreturn)) static void sandbox_failed(int error_fd)
{
    int status = EXIT_TORGATE;
    if (command_started(error_fd, &status))
        die("the sandbox process died during setup");
    exit(status);
}

/* The sandbox the host forwarded for is gone: if it was the last one, the
 * uplinks stop forwarding (forwarding_settle), so that nothing of a clearnet
 * run stays on the host. A launcher killed before this leaves forwarding
 * on, guarded; the next launcher that is not forwarded for turns it off. */
static void forwarding_end(const char *ifname, int status)
{
    /* Whatever fails here is said, but the exit status stays COMMAND's. */
    die_with_status_from_now(status);
    caps_raise();
    made.sk = netlink_open();
    host_link_wait_gone(made.sk, ifname);
    firewall_lease_take();
    made.lease = true;
    forwarding_settle(made.sk, NULL);
    firewall_lease_give();
    made.lease = false;
    netlink_close(&made.sk);
    caps_drop_quietly();
}

int launch(const struct sandbox_plan *plan)
{
    atexit(undo_made);
    signal(SIGPIPE, SIG_IGN); /* a sandbox that dies makes writes fail, not kill us */

    const struct profile *profile = plan->profile;
    bool networked = profile->mode != MODE_OFFLINE;
    bool forwarded = networked && (profile->mode == MODE_CLEARNET || profile->lan);
    uint32_t group = policy_link_group(profile);
    if (profile->mode == MODE_TOR && isatty(STDERR_FILENO) && !endpoint_bound("tcp", &plan->cfg->trans_port, true)) {
        /* Not an error: COMMAND is as confined as ever, and tor may be on
         * its way. But its connections will be refused until it is. Only
         * for someone at a terminal: reading /proc/net/tcp walks the
         * kernel's whole socket table, about 4 ms, a quarter of a launch. */
        char addr[16];
        warn("nothing listens on Tor's TransPort %s:%u: is tor running? Until it is, %s reaches nothing",
             format_addr4(plan->cfg->trans_port.addr, addr), plan->cfg->trans_port.port, plan->argv[0]);
    }
    caps_raise();
    if (networked) {
        /* The table goes in before any link it governs exists. */
        firewall_install(plan->cfg);
        debug("firewall table installed");
        made.sk = netlink_open();
        if (forwarded) {
            /* Held until this sandbox's link exists, so that a launcher
             * ending meanwhile sees that the uplinks are still needed. */
            firewall_lease_take();
            made.lease = true;
            uplinks_enable_forwarding(made.sk);
        }
    }

    struct sandbox_channel ch;
    made.child = start_sandbox(plan, &ch);
    char ready;
    if (!read_all(ch.ready_fd, &ready, 1))
        sandbox_failed(ch.error_fd);
    debug("sandbox namespaces created");

    struct slot slot = {.index = NO_SLOT};
    if (networked) {
        host_link_create(made.sk, &plan->cfg->pool, made.child, group, &slot);
        memcpy(made.ifname, slot.host_ifname, sizeof made.ifname);
        if (profile->services.count)
            firewall_grant_services(host_link_index(made.sk, &slot), &profile->services);
    }
    if (made.lease) {
        firewall_lease_give();
        made.lease = false;
    }
    caps_lower();
    if (!write_all(ch.slot_fd, &slot, sizeof slot))
        sandbox_failed(ch.error_fd);
    close(ch.slot_fd);

    int status;
    if (!command_started(ch.error_fd, &status))
        exit(status);
    debug("command started");
    close(ch.error_fd);
    close(ch.ready_fd);

    /* From here on the launcher only waits: it holds no capability (but
     * CAP_NET_ADMIN, permitted, where the host forwards for the sandbox).
     * The veth goes with the sandbox's network namespace when the kernel
     * tears it down, moments after COMMAND exits; deleting it here would
     * cost a kernel-wide synchronisation for nothing. */
    char ifname[16];
    memcpy(ifname, made.ifname, sizeof ifname);
    made.ifname[0] = '\0';
    netlink_close(&made.sk);
    if (forwarded)
        caps_keep_net_admin();
    else
        caps_drop_all();
    relay_signals_to(made.child);
    status = wait_status(made.child);
    debug("command exited");
    if (forwarded)
        forwarding_end(ifname, status);
    return status;
}
