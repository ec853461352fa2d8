/* The helpers: programs of Debian's that the launcher runs for a sandbox
 * that needs them, outside it, as the user with no capability at all, in
 * the host's namespaces (where the session's services are): xdg-dbus-proxy
 * for the buses (dbus_proxy.c), a PulseAudio of the sandbox's own for
 * sound (sound.c). They listen in one tmpfs attached nowhere on the host;
 * the sandbox attaches it at HELPERS_DIR, so that no other process, sandbox
 * or file of the host ever reaches those sockets, and nothing is left
 * behind. They end with the launcher, however it ends (PDEATHSIG, and the
 * proxy's sync pipe). A profile that uses neither starts nothing. */
#ifndef TORGATE_HELPERS_H
#define TORGATE_HELPERS_H

#include <sys/types.h>

#include "plan.h"

struct helpers {
    int mount_fd;    /* their tmpfs, for the sandbox to attach; -1 if none */
    pid_t bus_proxy; /* 0: none */
    int bus_sync_fd; /* the proxy's "ready" byte, held open for its life */
    pid_t sound;     /* 0: none */
};

/* Starts what the plan needs; dies with one line if it cannot. */
void helpers_start(const struct plan *plan, struct helpers *h);
/* Waits until each listens; dies with one line if one failed instead: the
 * command does not run without what its profile filters through them.
 * Then closes the launcher's copy of the tmpfs's descriptor (the sandbox,
 * started meanwhile, has its own). */
void helpers_wait_ready(struct helpers *h);

/* For dbus_proxy.c and sound.c. A helper sees its descriptors at fixed
 * numbers: its sync pipe (or /dev/null) and the tmpfs. */
enum { HELPER_SYNC_FD = 3, HELPER_DIR_FD = 4 };
/* Forks, names its machine as the sandbox's (hostname NULL: the host's
 * name), becomes the user with no capability (every set, bounding too) and
 * no_new_privs, and execs path with envp; stdin is /dev/null. */
pid_t helper_spawn(const struct plan *plan, const char *path, char **argv, char **envp, int sync_fd, int mount_fd);
/* In a child of launcher: dies with it (PDEATHSIG), and errors end it
 * alone. */
void helper_tie(pid_t launcher);
/* The user with no capability (every set, bounding too) and no_new_privs. */
void helper_unprivileged(const char *what);
/* A file in the helpers' tmpfs, as a helper names it. */
char *helper_path(const char *name);

/* dbus_proxy.c */
pid_t bus_proxy_spawn(const struct plan *plan, int mount_fd, int *sync_fd);
void bus_proxy_wait_ready(int sync_fd);
/* sound.c */
pid_t sound_spawn(const struct plan *plan, int mount_fd);
void sound_wait_ready(pid_t pid, int mount_fd);

#endif
