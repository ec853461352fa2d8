/* The buses' filter: one xdg-dbus-proxy per sandbox that needs a bus, run
 * by the launcher as the user with no capability at all, in the host's
 * namespaces (where the buses are). It listens in a tmpfs of its own that
 * is attached nowhere on the host: the sandbox attaches it at
 * BUS_PROXY_DIR, so no other process, sandbox or file of the host ever
 * reaches those sockets, and nothing is left behind. It stops when the
 * launcher goes, however it goes (its sync pipe closes; PDEATHSIG). */
#ifndef TORGATE_DBUS_PROXY_H
#define TORGATE_DBUS_PROXY_H

#include <sys/types.h>

#include "plan.h"

struct bus_proxy {
    pid_t pid;    /* 0: no proxy */
    int mount_fd; /* the detached tmpfs its sockets are in, for the sandbox */
    int sync_fd;  /* its "ready" byte; held open by the launcher for the proxy's life */
};

/* Starts the proxy if the plan has a bus; dies with one line if it cannot. */
void bus_proxy_start(const struct plan *plan, struct bus_proxy *proxy);

/* Waits until it listens; dies with one line if it failed instead. */
void bus_proxy_wait_ready(const struct bus_proxy *proxy);

#endif
