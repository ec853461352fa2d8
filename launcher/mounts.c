/* The sandbox's mount namespace: its own /proc, resolver configuration and
 * a few things of the host's out of sight or out of reach. Runs with no
 * capability effective; each mount is a privileged step (privileged.c). */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "privileged.h"
#include "text.h"
#include "util.h"

#define MOUNT_SAFE (MS_NOSUID | MS_NODEV | MS_NOEXEC)
/* Where the kernel ignores the source or type, "none" rather than NULL keeps
 * valgrind from flagging the call. */

/* Ways glibc and friends resolve names other than the network: nscd's
 * socket, systemd-resolved's varlink (nss-resolve), avahi (nss-mdns). An
 * empty read-only tmpfs over each; their D-Bus APIs need an explicit client
 * and are not glibc's path. */
static const char *const side_doors[] = {
    "/run/nscd", "/var/run/nscd", "/run/systemd/resolve", "/run/avahi-daemon", "/var/run/avahi-daemon",
};

static void hide_side_doors(void)
{
    for (size_t i = 0; i < N_ELEMENTS(side_doors); i++) {
        struct stat st;
        if (stat(side_doors[i], &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (!priv_mount("tmpfs", side_doors[i], "tmpfs", MOUNT_SAFE | MS_RDONLY, "size=4k,mode=0755"))
            die_with_error("cannot hide %s from the sandbox", side_doors[i]);
    }
}

/* The host's nsswitch.conf with its hosts line replaced: files and dns only. */
static char *nsswitch_render(void)
{
    struct text t;
    text_open(&t);
    text_puts(&t, "# torgate: names are resolved from /etc/hosts and DNS only\n");
    autofclose FILE *host = fopen("/etc/nsswitch.conf", "re");
    char line[1024];
    bool hosts_done = false;
    while (host && fgets(line, sizeof line, host)) {
        if (strncmp(line, "hosts:", 6) == 0) {
            if (!hosts_done)
                text_puts(&t, "hosts: files dns\n");
            hosts_done = true;
            continue;
        }
        text_puts(&t, line);
    }
    if (!hosts_done)
        text_puts(&t, "hosts: files dns\n");
    return text_close(&t);
}

static void place_file(const char *staged, const char *target, const char *content)
{
    autoclose int fd = open(staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || fchmod(fd, 0644) != 0 || !write_all(fd, content, strlen(content)))
        die_with_error("cannot write the sandbox's %s", target);
    if (!priv_mount(staged, target, "none", MS_BIND, NULL))
        die_with_error("cannot bind the sandbox's %s (does the host have one?)", target);
    if (!priv_mount("none", target, "none", MS_REMOUNT | MS_BIND | MS_RDONLY | MOUNT_SAFE, NULL))
        die_with_error("cannot make the sandbox's %s read-only", target);
}

/* The files behind /etc/resolv.conf and /etc/nsswitch.conf need a home no
 * one else sees: a small tmpfs laid over /proc just long enough to bind them
 * out of it, before /proc gets the new PID namespace's procfs anyway. */
static void place_resolver_files(const char *resolv_conf)
{
    if (!priv_mount("tmpfs", "/proc", "tmpfs", MOUNT_SAFE, "mode=0755,size=64k"))
        die_with_error("cannot mount a tmpfs for the resolver files");
    place_file("/proc/resolv.conf", "/etc/resolv.conf", resolv_conf);
    struct stat st;
    if (stat("/etc/nsswitch.conf", &st) == 0) {
        autofree char *nsswitch = nsswitch_render();
        place_file("/proc/nsswitch.conf", "/etc/nsswitch.conf", nsswitch);
    }
    if (!priv_umount("/proc"))
        die_with_error("cannot unmount the resolver files' tmpfs");
}

/* The user's path, opened as the user (no capability is effective here:
 * only the mounts themselves are privileged). */
static int open_as_user(const char *dir)
{
    return open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* ~/.config/torgate, read-only inside: user profiles decide what later
 * sandboxes may do, so no app may write them. The directory is bound over
 * itself through a handle opened as the user; the bind is then made
 * read-only through a second handle, which must be the new mount's root
 * (remounting anything else fails, and so does the sandbox). */
static void protect_user_config(const char *dir)
{
    if (!dir)
        return;
    autoclose int below = open_as_user(dir);
    if (below < 0 && errno == ENOENT)
        return; /* none (an unwritable home): nothing to protect */
    if (below < 0)
        die_with_error("cannot open %s to make it read-only in the sandbox (is it a symbolic link?)", dir);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", below);
    if (!priv_mount(path, path, "none", MS_BIND, NULL))
        die_with_error("cannot bind ~/.config/torgate in the sandbox");
    autoclose int above = open_as_user(dir);
    snprintf(path, sizeof path, "/proc/self/fd/%d", above);
    if (above < 0 || !priv_mount("none", path, "none", MS_REMOUNT | MS_BIND | MS_RDONLY | MOUNT_SAFE, NULL))
        die_with_error("cannot make ~/.config/torgate read-only in the sandbox");
}

/* The kernel's settings are no app's to change: /proc/sys (kernel.* is
 * global, and a file owned by root is writable by a uid 0 without any
 * capability: core_pattern runs a program as root outside every sandbox)
 * and /sys with everything mounted below it. Read-only whoever runs the
 * sandbox; the sandbox's own network settings are written before this. */
/* mountinfo's escapes (\040 for a space) decoded in place. */
static void unescape_mount_point(char *s)
{
    char *out = s;
    for (; *s; s++) {
        unsigned c;
        if (s[0] == '\\' && sscanf(s + 1, "%3o", &c) == 1 && c && c < 256) {
            *out++ = (char)c;
            s += 3;
        } else
            *out++ = *s;
    }
    *out = '\0';
}

/* Without mount_setattr() (before Linux 5.12, and under valgrind): each
 * mount of the tree remounted read-only in turn, as mountinfo lists them. */
static void remount_read_only_one_by_one(const char *tree)
{
    autofclose FILE *info = fopen("/proc/self/mountinfo", "re");
    if (!info)
        die_with_error("cannot read the sandbox's mounts");
    char line[4096], point[4096];
    size_t n = strlen(tree);
    while (fgets(line, sizeof line, info)) {
        if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
            continue;
        unescape_mount_point(point);
        if (strncmp(point, tree, n) != 0 || (point[n] != '\0' && point[n] != '/'))
            continue;
        if (!priv_mount("none", point, "none", MS_REMOUNT | MS_BIND | MS_RDONLY | MOUNT_SAFE, NULL))
            die_with_error("cannot make %s read-only in the sandbox", point);
    }
}

static void make_kernel_settings_read_only(void)
{
    if (!priv_mount("/proc/sys", "/proc/sys", "none", MS_BIND | MS_REC, NULL))
        die_with_error("cannot bind /proc/sys in the sandbox");
    static const char *const trees[] = {"/proc/sys", "/sys"};
    struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
    for (size_t i = 0; i < N_ELEMENTS(trees); i++) {
        if (priv_mount_setattr(trees[i], &ro))
            continue;
        if (errno != ENOSYS)
            die_with_error("cannot make %s read-only in the sandbox", trees[i]);
        remount_read_only_one_by_one(trees[i]);
    }
}

void sandbox_mounts(const char *resolv_conf, const char *user_config_dir)
{
    /* Nothing mounted here propagates back to the host. */
    if (!priv_mount("none", "/", "none", MS_REC | MS_SLAVE, NULL))
        die_with_error("cannot make the sandbox's mounts private");
    protect_user_config(user_config_dir);
    hide_side_doors();
    place_resolver_files(resolv_conf);
    /* A procfs of the sandbox's PID namespace: the host's processes, and
     * their /proc/PID/ns links, are out of sight. */
    if (!priv_mount("proc", "/proc", "proc", MOUNT_SAFE, NULL))
        die_with_error("cannot mount /proc for the sandbox");
    make_kernel_settings_read_only();
}
