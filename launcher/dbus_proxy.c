/* The buses' filter: xdg-dbus-proxy, one per sandbox that has a bus, with
 * the profile's rules (bus.c renders them). */
#include <fcntl.h>
#include <unistd.h>

#include "helpers.h"
#include "util.h"

#ifndef XDG_DBUS_PROXY
#define XDG_DBUS_PROXY "/usr/bin/xdg-dbus-proxy"
#endif

static const char *const listen_names[BUSES] = {"session", "system"};

static char **proxy_argv(const struct plan *plan)
{
    char **argv = xcalloc(2 + BUSES * BUS_PROXY_ARGS + BUS_A11Y_PROXY_ARGS + 1, sizeof *argv);
    size_t n = 0;
    argv[n++] = xstrdup(XDG_DBUS_PROXY);
    argv[n++] = xasprintf("--fd=%d", HELPER_SYNC_FD);
    for (int b = 0; b < BUSES; b++) {
        if (!plan->desktop.bus[b])
            continue;
        autofree char *listen = helper_path(listen_names[b]);
        bus_proxy_args(&plan->profile->buses[b], plan->desktop.bus[b], listen, argv, &n);
    }
    if (plan->desktop.a11y_bus) {
        autofree char *listen = helper_path("a11y");
        bus_a11y_proxy_args(plan->desktop.a11y_bus, listen, argv, &n);
    }
    return argv;
}

/* The proxy writes a byte to its --fd once it listens, and stops when the
 * other end closes: the launcher keeps that end open while it lives. */
pid_t bus_proxy_spawn(const struct plan *plan, int mount_fd, int *sync_fd)
{
    int sync[2];
    if (pipe2(sync, O_CLOEXEC) != 0)
        die_with_error("cannot create a pipe for the D-Bus proxy");
    char *envp[] = {NULL};
    pid_t pid = helper_spawn(plan, XDG_DBUS_PROXY, proxy_argv(plan), envp, sync[1], mount_fd);
    close(sync[1]);
    *sync_fd = sync[0];
    return pid;
}

void bus_proxy_wait_ready(int sync_fd)
{
    char byte;
    if (!read_all(sync_fd, &byte, 1))
        die("the D-Bus proxy (" XDG_DBUS_PROXY ") did not start: the sandbox's bus cannot be filtered, so the "
            "command is not run (is the xdg-dbus-proxy package installed?)");
}
