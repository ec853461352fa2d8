/* The sandbox's mount namespace: its own /proc, resolver configuration and
 * a few things of the host's out of sight or out of reach. Runs with no
 * capability effective; each mount is a privileged step (privileged.c). */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "privileged.h"
#include "text.h"
#include "view.h"
#include "util.h"

#define MOUNT_SAFE (MS_NOSUID | MS_NODEV | MS_NOEXEC)
/* Where the kernel ignores the source or type, "none" rather than NULL keeps
 * valgrind from flagging the call. */

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

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* A file of the host's that not every machine has (machine-id, hostname). */
static void place_file_if_there(const char *staged, const char *target, const char *content)
{
    if (exists(target))
        place_file(staged, target, content);
}

/* Texts the sandbox's files get, rendered before anything is hidden (the
 * user's own passwd entry may come from nscd). */
struct view_texts {
    char *nsswitch, *passwd;
};

/* The files laid over the host's need a home no one else sees: a small
 * tmpfs laid over /proc just long enough to bind them out of it, before
 * /proc gets the new PID namespace's procfs anyway. */
static void place_generated_files(const struct sandbox_view *v, const struct view_texts *texts)
{
    if (!priv_mount("tmpfs", "/proc", "tmpfs", MOUNT_SAFE, "mode=0755,size=1m"))
        die_with_error("cannot mount a tmpfs for the sandbox's own files");
    place_file("/proc/resolv.conf", "/etc/resolv.conf", v->resolv_conf);
    place_file_if_there("/proc/nsswitch.conf", "/etc/nsswitch.conf", texts->nsswitch);
    if (texts->passwd)
        place_file("/proc/passwd", "/etc/passwd", texts->passwd);
    if (v->view->hostname) {
        autofree char *hostname = view_hostname(v->view->hostname), *hosts = view_hosts(v->view->hostname);
        place_file_if_there("/proc/hostname", "/etc/hostname", hostname);
        place_file_if_there("/proc/hosts", "/etc/hosts", hosts);
    }
    if (v->view->own_machine_id) {
        autofree char *id = view_machine_id();
        place_file_if_there("/proc/machine-id", "/etc/machine-id", id);
        place_file_if_there("/proc/dbus-machine-id", "/var/lib/dbus/machine-id", id);
    }
    if (!priv_umount("/proc"))
        die_with_error("cannot unmount the tmpfs of the sandbox's own files");
}

/* UTC instead of the host's time zone, for programs that read the file
 * rather than TZ (which the sandbox sets too). */
static void place_utc(void)
{
    static const char utc[] = "/usr/share/zoneinfo/Etc/UTC";
    if (!exists("/etc/localtime") || !exists(utc))
        return;
    if (!priv_mount(utc, "/etc/localtime", "none", MS_BIND, NULL) ||
        !priv_mount("none", "/etc/localtime", "none", MS_REMOUNT | MS_BIND | MS_RDONLY | MOUNT_SAFE, NULL))
        die_with_error("cannot give the sandbox UTC as its time zone");
}

/* Identifiers of the hardware a user account can read: the firmware's DMI
 * tables (vendor, product, serial numbers where readable), the disks'
 * serial numbers and filesystem UUIDs (/dev/disk/by-id, by-uuid). An empty
 * read-only tmpfs over each. */
static const char *const hardware_ids[] = {"/sys/firmware", "/sys/devices/virtual/dmi", "/dev/disk"};

static void hide_hardware_ids(void)
{
    for (size_t i = 0; i < N_ELEMENTS(hardware_ids); i++)
        if (exists(hardware_ids[i]) &&
            !priv_mount("tmpfs", hardware_ids[i], "tmpfs", MOUNT_SAFE | MS_RDONLY, "size=4k,mode=0755"))
            die_with_error("cannot hide %s from the sandbox", hardware_ids[i]);
}

/* A sysfs of the sandbox's network namespace: /sys/class/net and every
 * network device under /sys/devices are its own (lo and eth0), never the
 * host's interfaces and their hardware addresses. Read-only. */
static void mount_own_sysfs(void)
{
    /* The host's, with all below it, detached rather than covered: nothing
     * of it stays, and no mount the host makes there later follows. */
    if (!priv_umount("/sys") || !priv_mount("sysfs", "/sys", "sysfs", MS_RDONLY | MOUNT_SAFE, NULL))
        die_with_error("cannot mount a sysfs of the sandbox's own");
}

bool bind_handle(int fd, const char *target, unsigned long extra)
{
    char fd_path[64];
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", fd);
    if (!priv_mount(fd_path, target, "none", MS_BIND, NULL))
        return false;
    return !extra || priv_mount("none", target, "none", MS_REMOUNT | MS_BIND | MOUNT_SAFE | extra, NULL);
}

/* The user's path, opened as the user (no capability is effective here:
 * only the mounts themselves are privileged). */
static int open_as_user(const char *path, int flags)
{
    return open(path, O_PATH | O_CLOEXEC | flags);
}

/* path bound over itself read-only, through a handle opened as the user;
 * the bind is then made read-only through a second handle, which must be
 * the new mount's root (remounting anything else fails, and so does the
 * sandbox). False if path does not exist. A mount point can be neither
 * written, renamed nor removed in the sandbox. */
static bool bind_read_only(const char *path, int open_flags, const char *what)
{
    autoclose int below = open_as_user(path, open_flags);
    if (below < 0 && errno == ENOENT)
        return false;
    if (below < 0)
        die_with_error("cannot open %s to make it read-only in the sandbox", what);
    char fd_path[64];
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", below);
    if (!priv_mount(fd_path, fd_path, "none", MS_BIND, NULL))
        die_with_error("cannot bind %s in the sandbox", what);
    autoclose int above = open_as_user(path, open_flags);
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", above);
    if (above < 0 || !priv_mount("none", fd_path, "none", MS_REMOUNT | MS_BIND | MS_RDONLY | MOUNT_SAFE, NULL))
        die_with_error("cannot make %s read-only in the sandbox", what);
    return true;
}

/* ~/.config/torgate, read-only inside: user profiles decide what later
 * sandboxes may do, so no app may write them. A symbolic link there is
 * refused: it could lead anywhere. */
static void protect_user_config(const char *dir)
{
    if (dir)
        bind_read_only(dir, O_DIRECTORY | O_NOFOLLOW, "~/.config/torgate (is it a symbolic link?)");
}

/* What a login, a shell or systemd --user runs or reads later
 * (session.c lists it): read-only, so that nothing an app writes runs
 * outside the sandbox afterwards. A directory that is missing is made
 * first, empty, as the user (an empty autostart or unit directory changes
 * nothing); a missing file is left missing (an empty ~/.bash_profile would
 * change what bash reads). Links are followed, as the user: their target is
 * protected. */
static void protect_startup_files(const struct sandbox_view *v)
{
    for (size_t i = 0; v->home && i < v->startup->count; i++) {
        const struct startup_file *f = &v->startup->files[i];
        autofree char *path = xasprintf("%s/%s", v->home, f->path);
        if (f->directory)
            make_directories(path, 0755);
        bind_read_only(path, 0, path);
    }
}

/* A directory of the home bound over itself: as a mount point it can be
 * neither renamed nor removed in the sandbox, so that what lies below it
 * stays where torgate put it (recursive: what is mounted below stays). */
static void pin_directory(const char *home, const char *relative)
{
    autofree char *path = xasprintf("%s/%s", home, relative);
    make_directories(path, 0700);
    autoclose int fd = open_as_user(path, O_DIRECTORY);
    if (fd < 0 && errno == ENOENT)
        return; /* no home to make it in */
    char fd_path[64];
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", fd);
    if (fd < 0 || !priv_mount(fd_path, fd_path, "none", MS_BIND | MS_REC, NULL))
        die_with_error("cannot pin %s in the sandbox", path);
}

/* The ancestors of what torgate protects in the home (~/.config/torgate,
 * the own directories' store), pinned before anything is mounted below
 * them: renamed away, they would let an app lay a store or profiles of
 * its own where the next sandbox looks. */
static void pin_ancestors(const char *home)
{
    static const char *const ancestors[] = {".config", ".local", ".local/share"};
    for (size_t i = 0; home && i < N_ELEMENTS(ancestors); i++)
        pin_directory(home, ancestors[i]);
}

/* The profile's own directories (a browser's profile): the sandbox sees
 * STORE/PROFILE/DIR, made as the user if missing, in place of ~/DIR. Then
 * the store is hidden whole, so that no sandbox sees another profile's
 * (the Unsafe Browser never sees the Tor browser's cookies, nor the
 * reverse), nor can change what another will find. */
static void bind_own_dirs(const struct sandbox_view *v)
{
    if (!v->home || !exists(v->home))
        return;
    for (size_t i = 0; i < v->own_dirs->count; i++) {
        const char *dir = v->own_dirs->path[i];
        autofree char *kept = xasprintf("%s/" OWN_DIRS_STORE "/%s/%s", v->home, v->profile_name, dir);
        autofree char *target = xasprintf("%s/%s", v->home, dir);
        make_directories(kept, 0700);
        make_directories(target, 0700);
        autoclose int source = open_as_user(kept, O_DIRECTORY | O_NOFOLLOW);
        autoclose int over = open_as_user(target, O_DIRECTORY);
        char over_path[64];
        snprintf(over_path, sizeof over_path, "/proc/self/fd/%d", over);
        if (source < 0 || over < 0 || !bind_handle(source, over_path, 0))
            die_with_error("cannot give the sandbox its own %s (kept in %s)", target, kept);
    }
    autofree char *store = xasprintf("%s/" OWN_DIRS_STORE, v->home);
    make_directories(store, 0700);
    if (!priv_mount("tmpfs", store, "tmpfs", MOUNT_SAFE | MS_RDONLY, "size=4k,mode=0755"))
        die_with_error("cannot hide %s from the sandbox", store);
}

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

/* The kernel's settings are no app's to change: /proc/sys (kernel.* is
 * global, and a file owned by root is writable by a uid 0 without any
 * capability: core_pattern runs a program as root outside every sandbox)
 * and /sys with everything mounted below it. Read-only whoever runs the
 * sandbox; the sandbox's own network settings are written before this. */
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

void sandbox_mounts(const struct sandbox_view *v)
{
    /* Nothing mounted here propagates back to the host. */
    if (!priv_mount("none", "/", "none", MS_REC | MS_SLAVE, NULL))
        die_with_error("cannot make the sandbox's mounts private");
    pin_ancestors(v->home);
    protect_user_config(v->user_config_dir);
    protect_startup_files(v);
    bind_own_dirs(v);
    /* Rendered before /run is the sandbox's own (the user's passwd entry
     * may come from nscd). */
    struct view_texts texts = {view_nsswitch(v->view->generic_account),
                               v->view->generic_account ? view_passwd() : NULL};
    /* Also what glibc could resolve names through besides the network:
     * nscd's socket, systemd-resolved's varlink, avahi's. */
    runtime_mounts(v);
    place_generated_files(v, &texts);
    free(texts.nsswitch);
    free(texts.passwd);
    if (v->view->utc)
        place_utc();
    /* A procfs of the sandbox's PID namespace: the host's processes, and
     * their /proc/PID/ns links, are out of sight. */
    if (!priv_mount("proc", "/proc", "proc", MOUNT_SAFE, NULL))
        die_with_error("cannot mount /proc for the sandbox");
    mount_own_sysfs();
    hide_hardware_ids();
    make_kernel_settings_read_only();
}
