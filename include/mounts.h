/* The sandbox's mount namespace. */
#ifndef TORGATE_MOUNTS_H
#define TORGATE_MOUNTS_H

#include <stdbool.h>

#include "desktop.h"
#include "profile.h"
#include "session.h"
#include "view.h"

struct sandbox_view {
    const char *resolv_conf;
    const char *user_config_dir; /* made read-only; NULL if none */
    const struct view_plan *view;
    const char *home;            /* NULL: no startup files to protect, no own directories */
    const struct startup_list *startup;
    const struct desktop_plan *desktop;
    int helpers_fd;            /* the helpers' tmpfs (helpers.h), -1 if none */
    const char *profile_name;    /* whose own directories */
    const struct own_dirs *own_dirs;
};

/* Sandbox side: /proc for the new PID namespace and a sysfs of its network
 * namespace; the sandbox's own /etc/resolv.conf and /etc/nsswitch.conf
 * (hosts: files dns), and, as the plan says, its own hostname, hosts,
 * machine-id, passwd (no GECOS) and time zone, all read-only; /run, /tmp
 * and the runtime directory of its own (runtime_mounts), so that no host
 * daemon's socket there, the resolver side doors (nscd, systemd-resolved's
 * varlink, avahi) among them, is reachable; hardware identifiers (DMI,
 * firmware, /dev/disk) out of sight; the user's torgate profiles and what
 * runs later read-only, the profile's own directories in place, and the
 * home's directories above them pinned; /proc/sys and /sys read-only. */
void sandbox_mounts(const struct sandbox_view *v);

/* runtime.c: /run (with the runtime directory) and /tmp of the sandbox's
 * own, holding only the sockets the plan lets in. */
void runtime_mounts(const struct sandbox_view *v);

/* The file or directory open at fd (O_PATH, opened as the user) bound at
 * target, with extra flags (MS_RDONLY) applied to the new mount. */
bool bind_handle(int fd, const char *target, unsigned long extra);

#endif
