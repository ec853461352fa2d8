/* PID 1 of the sandbox: COMMAND's parent, reaper, signal relay and, in tor
 * mode, the supervisor of datagrams. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "datagram_island.h"
#include "dns_guard.h"
#include "privileged.h"
#include "relay.h"
#include "seccomp_filter.h"
#include "socks_guard.h"
#include "supervisor.h"
#include "util.h"

/* The pipes over which COMMAND's process hands its seccomp listener to init. */
struct handoff {
    int to_init[2];
    int to_command[2];
};

static bool write_proc_file(const char *path, const char *text)
{
    autoclose int fd = open(path, O_WRONLY | O_CLOEXEC);
    return fd >= 0 && write_all(fd, text, strlen(text));
}

/* Where the supervisor inspects COMMAND's calls (tor mode's checked path,
 * lan = allow), COMMAND runs in a user namespace of its own, the user's uid
 * and gid mapped to themselves: init (outside it, the same user) then holds
 * CAP_SYS_PTRACE over COMMAND and everything it starts, so that the
 * supervisor can inspect a process that made itself non-dumpable, as
 * browsers' helpers do. It gives COMMAND nothing: the namespace owns no
 * other namespace, and every capability in it is dropped before exec. Where
 * the kernel allows no user namespace, COMMAND runs without one, and the
 * calls of a non-dumpable process are refused as uninspectable. Elsewhere
 * nothing is inspected (a datagram island's supervisor only installs
 * sockets; other modes have none), and making one would cost a launch
 * about a millisecond for nothing. */
static bool supervisor_inspects(const struct seccomp_policy *policy)
{
    return policy->mode == MODE_TOR && !policy->datagram_island;
}

static void enter_user_namespace(void)
{
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER) != 0) {
        debug("no user namespace for the command (%s): non-dumpable processes cannot be inspected",
              strerror(errno));
        return;
    }
    /* The change of credentials made this process non-dumpable, and so
     * /proc/self root's; exec makes it dumpable again anyway. */
    if (prctl(PR_SET_DUMPABLE, 1) != 0)
        die_with_error("cannot enter the command's user namespace");
    char map[64];
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
    bool ok = write_proc_file("/proc/self/setgroups", "deny") && write_proc_file("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
    if (!ok || !write_proc_file("/proc/self/gid_map", map))
        die_with_error("cannot map the user into the command's user namespace");
    priv_drop_all(); /* the new namespace's, all of them */
}

/* COMMAND's process: capabilities are already gone (init dropped them before
 * forking) and no_new_privs is set; the filter goes on last, then exec. */
__attribute__((noreturn)) static void run_command(char **argv, const struct seccomp_policy *policy,
                                                  const struct handoff *h)
{
    if (supervisor_inspects(policy))
        enter_user_namespace();
    int listener = seccomp_filter_load(policy);
    /* init, which holds no capability, takes the listener (if there is one)
     * with pidfd_getfd(), which needs this process to be dumpable. It holds
     * nothing privileged: its credentials are the user's. */
    char ack;
    if ((listener >= 0 && prctl(PR_SET_DUMPABLE, 1) != 0) ||
        !write_all(h->to_init[1], &listener, sizeof listener) || !read_all(h->to_command[0], &ack, 1))
        die("cannot hand the seccomp listener to the sandbox's init");
    if (listener >= 0)
        close(listener);
    execvp(argv[0], argv);
    int err = errno;
    die_with_status(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN, "cannot run '%s': %s", argv[0],
                    strerror(err));
}

/* Waits until COMMAND's process has loaded its filter; returns init's copy
 * of the listener, or -1 when the mode has none. */
static int take_listener(pid_t command, const struct handoff *h)
{
    int remote, listener = -1;
    if (!read_all(h->to_init[0], &remote, sizeof remote))
        return -1; /* COMMAND's process failed; it said why */
    if (remote >= 0) {
        autoclose int pidfd = (int)syscall(SYS_pidfd_open, command, 0);
        listener = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, remote, 0);
        if (listener < 0)
            die_with_error("cannot take the seccomp listener from the command's process");
    }
    char ack = 1;
    if (!write_all(h->to_command[1], &ack, 1))
        die("the command's process died during setup");
    return listener;
}

/* As a shell reports it: the exit code, or 128+N for death by signal N. */
static int shell_status(int status)
{
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

static void reap(pid_t command, struct dns_guard *guard)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == command)
            _exit(shell_status(status)); /* the kernel then kills the rest of the sandbox */
        if (guard)
            dns_guard_child_ended(guard, pid);
    }
    if (pid < 0 && errno == ECHILD)
        _exit(EXIT_TORGATE);
}

/* init's loop. Signals (blocked throughout) are taken only while it waits
 * in ppoll, with the mask run: a relayed signal must never interrupt the
 * supervisor's answer (an ADDFD with SECCOMP_ADDFD_FLAG_SEND interrupted
 * after the kernel marked the call answered leaves COMMAND's socket()
 * returning 0, a descriptor it never asked for: seen under a signal flood). */
__attribute__((noreturn)) static void serve(pid_t command, int listener, const struct seccomp_policy *policy,
                                            struct dns_guard *guard, struct datagram_island *island,
                                            const sigset_t *run)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    autoclose int sigchld = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sigchld < 0)
        _exit(EXIT_TORGATE);
    struct supervisor *sv = listener >= 0 ? supervisor_new(listener, policy, island) : NULL;
    reap(command, guard);
    for (;;) {
        struct pollfd fds[3 + DNS_GUARD_POLL_FDS] = {
            {sigchld, POLLIN, 0}, {sv ? listener : -1, POLLIN, 0}, {island ? datagram_island_poll_fd(island) : -1, POLLIN, 0}};
        for (size_t i = 3; i < N_ELEMENTS(fds); i++)
            fds[i] = (struct pollfd){-1, 0, 0};
        if (guard)
            dns_guard_poll_fds(guard, fds + 3);
        if (ppoll(fds, N_ELEMENTS(fds), NULL, run) < 0)
            continue; /* EINTR: a relayed signal */
        /* The supervisor first: a process of COMMAND's waits on it. */
        if (sv && (fds[1].revents & POLLIN))
            supervisor_handle(sv);
        if (sv && (fds[1].revents & (POLLHUP | POLLERR | POLLNVAL))) {
            supervisor_free(sv); /* no filtered process is left */
            sv = NULL;
        }
        if (guard)
            dns_guard_serve(guard, fds + 3);
        if (fds[2].revents)
            datagram_island_refill(island);
        if (fds[0].revents) {
            struct signalfd_siginfo si;
            while (read(sigchld, &si, sizeof si) > 0)
                ;
            reap(command, guard);
        }
    }
}

/* The SOCKS guard's process, before COMMAND's: init's copies of its
 * sockets are closed before COMMAND's process is forked, which never
 * holds one. Signals stay blocked in it: the sandbox's end is its end. It
 * holds no channel to the island's maker or the launcher either. */
static void start_socks_guard(struct socks_guard *socks, int error_fd, const struct datagram_island *island,
                              int automap_fd)
{
    pid_t pid = fork_or_die("the SOCKS guard");
    if (pid == 0) {
        if (island)
            datagram_island_close_fds(island);
        if (automap_fd >= 0)
            close(automap_fd);
        close(error_fd);
        report_errors_to(-1);
        socks_guard_serve(socks);
    }
    socks_guard_close(socks);
}

void init_run(char **argv, int error_fd, const struct seccomp_policy *policy, struct datagram_island *island,
              int automap_fd)
{
    sigset_t all, old;
    sigfillset(&all);
    /* Signals that arrive before the relay knows COMMAND's PID stay pending. */
    sigprocmask(SIG_BLOCK, &all, &old);
    /* Its sockets need CAP_NET_ADMIN (their mark): made while init holds it. */
    struct socks_guard *socks = policy->socks_port ? socks_guard_open(policy->gateway, policy->socks_port) : NULL;
    priv_drop_all(); /* for init, the guard and COMMAND alike */
    if (socks)
        start_socks_guard(socks, error_fd, island, automap_fd);

    struct handoff h;
    if (pipe2(h.to_init, O_CLOEXEC) != 0 || pipe2(h.to_command, O_CLOEXEC) != 0)
        die_with_error("cannot create pipes");
    /* Bound before COMMAND exists: no process of its can take its ports. */
    /* Static: init's life ends in _exit() from wherever it is, and what it
     * holds for all its life stays reachable (valgrind would count it lost). */
    static struct dns_guard *guard;
    struct dns_resolver resolver = {policy->gateway, policy->socks_port, policy->dns_resolver.addr,
                                    policy->dns_resolver.port};
    int island_dns = island ? datagram_island_take_dns_socket(island) : -1;
    guard = policy->allow_dns ? dns_guard_open(policy->gateway, &resolver, island_dns, automap_fd) : NULL;
    if (!guard && automap_fd >= 0)
        close(automap_fd); /* no DNS: nothing is ever automapped for it */
    pid_t command = fork_or_die("the command");
    if (command == 0) {
        if (guard)
            dns_guard_close_fds(guard);
        if (island)
            datagram_island_close_fds(island);
        sigprocmask(SIG_SETMASK, &old, NULL);
        close(h.to_init[0]);
        close(h.to_command[1]);
        run_command(argv, policy, &h);
    }
    /* Only COMMAND's process may hold these ends: if it dies, init reads EOF. */
    close(h.to_init[1]);
    close(h.to_command[0]);
    int listener = take_listener(command, &h);

    /* COMMAND's copy of error_fd closes when its exec succeeds: the launcher's
     * EOF then means "running". */
    close(error_fd);
    report_errors_to(-1);
    relay_signals_to(command);
    sigset_t run = old;
    sigaddset(&run, SIGCHLD); /* SIGCHLD is read from a signalfd */
    serve(command, listener, policy, guard, island, &run);
}
