/* See dbus_proxy.h. */
#include "dbus_proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "privileged.h"
#include "util.h"

#ifndef XDG_DBUS_PROXY
#define XDG_DBUS_PROXY "/usr/bin/xdg-dbus-proxy"
#endif

/* The proxy's descriptors, at fixed numbers. */
enum { PROXY_SYNC_FD = 3, PROXY_MOUNT_FD = 4 };

static const char *const listen_names[BUSES] = {"session", "system"};

static char **proxy_argv(const struct plan *plan)
{
    char **argv = xcalloc(2 + BUSES * BUS_PROXY_ARGS + 1, sizeof *argv);
    size_t n = 0;
    argv[n++] = xstrdup(XDG_DBUS_PROXY);
    argv[n++] = xasprintf("--fd=%d", PROXY_SYNC_FD);
    for (int b = 0; b < BUSES; b++) {
        if (!plan->desktop.bus[b])
            continue;
        autofree char *listen = xasprintf("/proc/self/fd/%d/%s", PROXY_MOUNT_FD, listen_names[b]);
        bus_proxy_args(&plan->profile->buses[b], plan->desktop.bus[b], listen, argv, &n);
    }
    return argv;
}

/* The child: the user and nothing more, then the proxy. Its errors reach
 * the terminal; the launcher sees its sync pipe close without a byte. */
__attribute__((noreturn)) static void exec_proxy(const struct plan *plan, pid_t launcher, int sync_fd, int mount_fd)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != launcher)
        _exit(EXIT_TORGATE);
    caps_drop_all();
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        die_with_error("cannot set no_new_privs for the D-Bus proxy");
    /* Out of the way first, so that neither lands on the other's number. */
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC), sync_high = fcntl(sync_fd, F_DUPFD_CLOEXEC, 16),
        mount_high = fcntl(mount_fd, F_DUPFD_CLOEXEC, 16);
    if (null < 0 || sync_high < 0 || mount_high < 0 || dup2(null, STDIN_FILENO) < 0 ||
        dup2(sync_high, PROXY_SYNC_FD) < 0 || dup2(mount_high, PROXY_MOUNT_FD) < 0 ||
        syscall(SYS_close_range, PROXY_MOUNT_FD + 1, ~0U, 0) != 0)
        die_with_error("cannot prepare the D-Bus proxy's descriptors");
    char *envp[] = {NULL};
    execve(XDG_DBUS_PROXY, proxy_argv(plan), envp);
    die_with_error("cannot run " XDG_DBUS_PROXY " (the profile gives a bus: install the xdg-dbus-proxy package)");
}

void bus_proxy_start(const struct plan *plan, struct bus_proxy *proxy)
{
    *proxy = (struct bus_proxy){.pid = 0, .mount_fd = -1, .sync_fd = -1};
    if (!plan->desktop.proxy)
        return;
    proxy->mount_fd = priv_detached_tmpfs();
    int sync[2];
    if (pipe2(sync, O_CLOEXEC) != 0)
        die_with_error("cannot create a pipe for the D-Bus proxy");
    pid_t launcher = getpid();
    proxy->pid = fork();
    if (proxy->pid < 0)
        die_with_error("cannot fork the D-Bus proxy");
    if (proxy->pid == 0)
        exec_proxy(plan, launcher, sync[1], proxy->mount_fd);
    close(sync[1]);
    proxy->sync_fd = sync[0];
}

void bus_proxy_wait_ready(const struct bus_proxy *proxy)
{
    char byte;
    if (proxy->pid && !read_all(proxy->sync_fd, &byte, 1))
        die("the D-Bus proxy (" XDG_DBUS_PROXY ") did not start: the sandbox's bus cannot be filtered, so the "
            "command is not run");
}
