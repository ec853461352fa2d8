/* The launcher: the host side of a sandbox, from firewall to exit status,
 * as a list of steps; each privileged one is privileged.c's. */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "automap.h"
#include "bound.h"
#include "helpers.h"
#include "notify.h"
#include "privileged.h"
#include "relay.h"
#include "running.h"
#include "sandbox.h"
#include "tor_wait.h"
#include "util.h"

/* What exit() must undo if the launcher fails after making it. */
static struct {
    pid_t sandbox;
    struct nl_sock *sk;
    char ifname[16];
    bool lease; /* the forwarding lease is ours */
} to_undo;

static void undo(void)
{
    running_forget();
    /* Forwarding turned on for nothing stays, guarded, for the next launch
     * to turn off: nothing here may die. */
    if (to_undo.lease) {
        to_undo.lease = false;
        priv_give_lease();
    }
    if (to_undo.sandbox > 0) {
        kill(to_undo.sandbox, SIGKILL);
        while (waitpid(to_undo.sandbox, NULL, 0) < 0 && errno == EINTR)
            ;
        to_undo.sandbox = 0;
    }
    if (to_undo.sk && to_undo.ifname[0])
        priv_undo_link(to_undo.sk, to_undo.ifname);
    to_undo.ifname[0] = '\0';
}

static int wait_status(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return EXIT_TORGATE;
    to_undo.sandbox = 0;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* Reads the sandbox's error channel to EOF. Returns true when COMMAND was
 * exec'd; otherwise prints the sandbox's error line and sets *status. */
static bool read_setup_result(int error_fd, int *status)
{
    char buf[2048];
    size_t len;
    if (!read_bounded(error_fd, buf, sizeof buf, &len))
        len = 0; /* nothing to say: a read error on a pipe of our own */
    if (len == 0)
        return true;
    *status = (unsigned char)buf[0];
    fprintf(stderr, "torgate: %s\n", buf + 1);
    return false;
}

/* The sandbox failed during setup: its own line says why. */
__attribute__((noreturn)) static void sandbox_failed(int error_fd)
{
    int status = EXIT_TORGATE;
    if (read_setup_result(error_fd, &status))
        die("the sandbox process died during setup");
    exit(status);
}

/* Started from a menu, with Tor running but not connected yet: the user
 * hears why nothing loads (at a terminal, --wait-for-tor is the way). One
 * question to the control port filter's socket for the host's users;
 * nothing if it does not answer. */
static void notify_if_tor_is_not_ready(const struct plan *plan)
{
    char summary[128];
    int percent = tor_bootstrap_now(summary, sizeof summary);
    if (percent < 0 || percent == 100)
        return;
    autofree char *what = xasprintf("Tor is at %d%% (%s): until it has connected, %s reaches nothing. torgate "
                                    "--wait-for-tor starts an app once it has.",
                                    percent, summary, plan->argv[0]);
    notify_user("torgate: Tor is not connected yet", what);
}

/* Not an error: COMMAND is as confined as ever, and tor may be on its way.
 * But its connections will be refused until it is. Only for someone at a
 * terminal or with a notification daemon, though the question is cheap now
 * (the kernel's listening sockets, netlink: bound.h). */
static void warn_if_tor_is_down(const struct plan *plan)
{
    const struct endpoint4 *trans = &plan->cfg->trans_port;
    bool terminal = isatty(STDERR_FILENO), nobody_sees = notify_no_terminal();
    if (!plan->tor_port_warning || (!terminal && !nobody_sees))
        return;
    if (endpoint_bound("tcp", trans, true)) {
        if (nobody_sees)
            notify_if_tor_is_not_ready(plan);
        return;
    }
    char addr[16];
    autofree char *what = xasprintf("nothing listens on Tor's TransPort %s:%u: is tor running? Until it is, %s "
                                    "reaches nothing",
                                    format_addr4(trans->addr, addr), trans->port, plan->argv[0]);
    if (terminal)
        warn("%s", what);
    else
        notify_user("torgate: Tor is not running", what);
}

/* The firewall before any link it governs exists, and the uplinks'
 * forwarding where the plan needs it. */
static void prepare_host(const struct plan *plan)
{
    if (!plan->networked)
        return;
    priv_install_firewall(plan->cfg);
    debug("firewall table installed");
    to_undo.sk = priv_netlink_open();
    if (plan->uplink_forwarding) {
        priv_begin_forwarding(to_undo.sk);
        to_undo.lease = true;
    }
}

/* Tor's automapped addresses are granted to a tor sandbox one by one
 * (automap.h): by this launcher, over a channel of its own. */
static bool grants_automap(const struct plan *plan) { return plan->seccomp.mode == MODE_TOR; }

static pid_t start_sandbox(const struct plan *plan, struct sandbox_channel *mine, int helpers_fd)
{
    int ready[2], slot[2], error[2], automap[2] = {-1, -1};
    if (pipe2(ready, O_CLOEXEC) || pipe2(slot, O_CLOEXEC) || pipe2(error, O_CLOEXEC))
        die_with_error("cannot create pipes");
    if (grants_automap(plan) && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, automap) != 0)
        die_with_error("cannot create the sandbox's automap channel");
    /* Children of this process are born in a new PID namespace; the launcher
     * itself stays where it is. */
    priv_new_pid_namespace();
    pid_t pid = fork_or_die("the sandbox");
    if (pid == 0) {
        close(ready[0]);
        close(slot[1]);
        close(error[0]);
        if (automap[0] >= 0)
            close(automap[0]);
        sandbox_main(plan, (struct sandbox_channel){ready[1], slot[0], error[1], helpers_fd, automap[1]});
    }
    close(ready[1]);
    close(slot[0]);
    close(error[1]);
    if (automap[1] >= 0)
        close(automap[1]);
    *mine = (struct sandbox_channel){ready[0], slot[1], error[0], -1, automap[0]};
    return pid;
}

static struct slot claim_link(const struct plan *plan, const struct sandbox_channel *ch)
{
    char ready;
    if (!read_all(ch->ready_fd, &ready, 1))
        sandbox_failed(ch->error_fd);
    debug("sandbox namespaces created");
    struct slot slot = {.index = NO_SLOT};
    if (plan->networked) {
        priv_claim_link(to_undo.sk, plan, to_undo.sandbox, &slot);
        to_undo.lease = false; /* given back with the link made */
        memcpy(to_undo.ifname, slot.host_ifname, sizeof to_undo.ifname);
    }
    return slot;
}

/* The slot goes to the sandbox once its helpers listen (the sandbox made
 * its namespaces meanwhile). */
static void hand_over_slot(struct sandbox_channel *ch, const struct slot *slot, struct helpers *helpers)
{
    helpers_wait_ready(helpers);
    if (!write_all(ch->slot_fd, slot, sizeof *slot))
        sandbox_failed(ch->error_fd);
    close(ch->slot_fd);
    int status;
    if (!read_setup_result(ch->error_fd, &status))
        exit(status);
    debug("command started");
    close(ch->error_fd);
    close(ch->ready_fd);
}

/* A tor sandbox's automapped addresses granted while it runs (automap.h);
 * returns when the sandbox's init has closed its end. */
static void serve_automap(int channel)
{
    autoclose int nl = automap_take_socket(channel);
    automap_serve(channel, nl, priv_automap_grant);
}

/* From here on the launcher only waits: it holds no capability (but
 * CAP_NET_ADMIN, permitted, where the host forwards for the sandbox, and
 * for a tor sandbox, whose automapped addresses it grants). The
 * veth goes with the sandbox's network namespace when the kernel tears it
 * down, moments after COMMAND exits; deleting it here would cost a
 * kernel-wide synchronisation for nothing. */
static int wait_for_command(const struct plan *plan, const struct slot *slot, int automap_channel)
{
    char ifname[16];
    memcpy(ifname, to_undo.ifname, sizeof ifname);
    to_undo.ifname[0] = '\0';
    netlink_close(&to_undo.sk);
    if (plan->uplink_forwarding || automap_channel >= 0)
        priv_keep_net_admin();
    else
        priv_drop_all();
    relay_signals_to(to_undo.sandbox);
    /* The user's records are touched with no capability effective or kept
     * (but CAP_NET_ADMIN, permitted, for forwarding and automapping). */
    running_record(plan, slot);
    if (automap_channel >= 0) {
        serve_automap(automap_channel);
        close(automap_channel);
        if (!plan->uplink_forwarding)
            priv_drop_all_quietly(); /* what was kept: CAP_NET_ADMIN, permitted */
    }
    int status = wait_status(to_undo.sandbox);
    debug("command exited");
    if (plan->uplink_forwarding) {
        /* Whatever fails here is said, but the exit status stays COMMAND's. */
        die_with_status_from_now(status);
        priv_end_forwarding(ifname);
        priv_drop_all_quietly();
    }
    return status;
}

int launch(const struct plan *plan)
{
    atexit(undo);
    signal(SIGPIPE, SIG_IGN); /* a sandbox that dies makes writes fail, not kill us */
    warn_if_tor_is_down(plan);
    prepare_host(plan);
    struct helpers helpers;
    helpers_start(plan, &helpers);
    struct sandbox_channel ch;
    to_undo.sandbox = start_sandbox(plan, &ch, helpers.mount_fd);
    struct slot slot = claim_link(plan, &ch);
    hand_over_slot(&ch, &slot, &helpers);
    return wait_for_command(plan, &slot, ch.automap_fd);
}
