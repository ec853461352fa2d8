/* The sandbox's /run, /tmp and runtime directory: its own tmpfs, holding
 * only the sockets the plan lets in (the display servers', the D-Bus
 * proxy's), so that no host daemon's socket there is reachable, whatever
 * it is. Abstract sockets are per network namespace already. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "privileged.h"
#include "util.h"

#define MOUNT_SAFE (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* What the sandbox gets of the host's there, opened before the host's
 * directories are covered. -1: nothing. */
enum { CARRY_X11, CARRY_WAYLAND, CARRY_XAUTHORITY, CARRIED };

/* A socket or file of the host's, opened as the user (no capability is
 * effective); a missing one is simply not carried in. */
static int open_source(const char *path)
{
    if (!path[0])
        return -1;
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0 && errno != ENOENT)
        debug("not carried into the sandbox: %s: %s", path, strerror(errno));
    return fd;
}

/* As the host's: programs may run from there. */
static void new_tmpfs(const char *where, const char *options)
{
    if (!priv_mount("tmpfs", where, "tmpfs", MS_NOSUID | MS_NODEV, options))
        die_with_error("cannot give the sandbox a %s of its own", where);
}

static void make_dir(const char *path, mode_t mode)
{
    if (mkdir(path, mode) != 0 && errno != EEXIST)
        die_with_error("cannot make %s in the sandbox", path);
}

/* The host's socket (or file) at target, an empty file made first to
 * mount on. */
static void carry(int fd, const char *target, unsigned long extra)
{
    if (fd < 0)
        return;
    autoclose int made = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (made < 0 || !bind_handle(fd, target, extra))
        die_with_error("cannot let %s into the sandbox", target);
}

/* Files of /etc that torgate lays its own over (mounts.c) but that are
 * links into /run on some hosts (resolvconf, systemd-resolved,
 * NetworkManager): their target is made, empty, in the new /run. */
static const char *const etc_links[] = {"/etc/resolv.conf", "/etc/hosts", "/etc/hostname", "/etc/machine-id"};

static void remember_link_targets(char targets[][PATH_MAX])
{
    for (size_t i = 0; i < N_ELEMENTS(etc_links); i++) {
        char real[PATH_MAX];
        targets[i][0] = '\0';
        if (realpath(etc_links[i], real) && strncmp(real, "/run/", 5) == 0)
            memcpy(targets[i], real, strlen(real) + 1);
    }
}

static void make_link_targets(char targets[][PATH_MAX])
{
    for (size_t i = 0; i < N_ELEMENTS(etc_links); i++) {
        if (!targets[i][0])
            continue;
        autofree char *dir = xstrdup(targets[i]);
        make_directories(dirname(dir), 0755);
        autoclose int fd = open(targets[i], O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
            die_with_error("cannot make %s in the sandbox (where %s leads)", targets[i], etc_links[i]);
    }
}

/* The helpers' tmpfs, and the places clients look for the buses and the
 * sound server. */
static void attach_helpers(const struct sandbox_view *v)
{
    if (v->helpers_fd < 0)
        return;
    make_dir(HELPERS_DIR, 0755);
    if (!priv_attach_mount(v->helpers_fd, HELPERS_DIR))
        die_with_error("cannot attach the sockets of the D-Bus proxy and sound server in the sandbox");
    if (v->desktop->sound[0]) {
        autofree char *pulse = xasprintf("%s/pulse", v->desktop->runtime_dir);
        autofree char *native = xasprintf("%s/native", pulse);
        make_dir(pulse, 0700);
        if (symlink(SOUND_SOCKET, native) != 0)
            die_with_error("cannot make %s in the sandbox", native);
    }
    autofree char *session = xasprintf("%s/bus", v->desktop->runtime_dir);
    if (v->desktop->bus[BUS_SESSION] && symlink(BUS_SOCKET_SESSION, session) != 0)
        die_with_error("cannot make %s in the sandbox", session);
    make_dir("/run/dbus", 0755);
    if (v->desktop->bus[BUS_SYSTEM] && symlink(BUS_SOCKET_SYSTEM, SYSTEM_BUS_PATH) != 0)
        die_with_error("cannot make " SYSTEM_BUS_PATH " in the sandbox");
}

static void fill_run(const struct sandbox_view *v, const int *c)
{
    const struct desktop_plan *d = v->desktop;
    make_dir("/run/user", 0755);
    make_dir(d->runtime_dir, 0700);
    autofree char *runtime_options =
        xasprintf("mode=0700,uid=%u,gid=%u,size=64m", (unsigned)getuid(), (unsigned)getgid());
    new_tmpfs(d->runtime_dir, runtime_options);
    autofree char *wayland = xasprintf("%s/%s", d->runtime_dir, d->wayland_name);
    carry(c[CARRY_WAYLAND], wayland, 0);
    autofree char *xauthority = xasprintf("%s/Xauthority", d->runtime_dir);
    carry(c[CARRY_XAUTHORITY], xauthority, MS_RDONLY);
    attach_helpers(v);
}

static void fill_tmp(const int *c, const char *x11_socket)
{
    if (c[CARRY_X11] < 0)
        return;
    make_dir("/tmp/.X11-unix", 01777);
    carry(c[CARRY_X11], x11_socket, 0);
}

void runtime_mounts(const struct sandbox_view *v)
{
    const struct desktop_plan *d = v->desktop;
    int c[CARRIED] = {open_source(d->x11_socket), open_source(d->wayland_socket), open_source(d->xauthority)};
    char link_targets[N_ELEMENTS(etc_links)][PATH_MAX];
    remember_link_targets(link_targets);
    /* Owned by the user while it is filled, read-only once it is. */
    autofree char *run_options = xasprintf("mode=0755,uid=%u,gid=%u,size=1m", (unsigned)getuid(), (unsigned)getgid());
    new_tmpfs("/run", run_options);
    fill_run(v, c);
    make_link_targets(link_targets);
    if (!priv_mount("none", "/run", "none", MS_REMOUNT | MS_BIND | MS_RDONLY | MOUNT_SAFE, NULL))
        die_with_error("cannot make the sandbox's /run read-only");
    struct stat st;
    if (lstat("/var/run", &st) == 0 && S_ISDIR(st.st_mode) &&
        !priv_mount("/run", "/var/run", "none", MS_BIND | MS_REC, NULL))
        die_with_error("cannot give the sandbox's /var/run its own /run");
    new_tmpfs("/tmp", "mode=1777,uid=0,gid=0,size=50%");
    fill_tmp(c, d->x11_socket);
    for (size_t i = 0; i < CARRIED; i++)
        if (c[i] >= 0)
            close(c[i]);
}
