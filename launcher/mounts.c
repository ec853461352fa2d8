/* The sandbox's mount namespace: its own /proc and /etc/resolv.conf. */
#include "sandbox.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "util.h"

#define MOUNT_SAFE (MS_NOSUID | MS_NODEV | MS_NOEXEC)
/* Where the kernel ignores the source or type, "none" rather than NULL keeps
 * valgrind from flagging the call. */

/* The file behind /etc/resolv.conf needs a home that no one else sees: a small
 * tmpfs laid over /proc just long enough to bind the file out of it, before
 * /proc gets the new PID namespace's procfs anyway. */
static void bind_resolv_conf(const char *content)
{
    if (mount("tmpfs", "/proc", "tmpfs", MOUNT_SAFE, "mode=0755,size=16k") != 0)
        die_with_error("cannot mount a tmpfs for resolv.conf");
    autoclose int fd = open("/proc/resolv.conf", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || fchmod(fd, 0644) != 0 || !write_all(fd, content, strlen(content)))
        die_with_error("cannot write the sandbox's resolv.conf");
    if (mount("/proc/resolv.conf", "/etc/resolv.conf", "none", MS_BIND, NULL) != 0)
        die_with_error("cannot bind the sandbox's resolv.conf over /etc/resolv.conf (does it exist?)");
    if (mount("none", "/etc/resolv.conf", "none", MS_REMOUNT | MS_BIND | MS_RDONLY | MOUNT_SAFE, NULL) != 0)
        die_with_error("cannot make the sandbox's resolv.conf read-only");
    if (umount2("/proc", MNT_DETACH) != 0)
        die_with_error("cannot unmount the resolv.conf tmpfs");
}

void sandbox_mounts(const char *resolv_conf)
{
    /* Nothing mounted here propagates back to the host. */
    if (mount("none", "/", "none", MS_REC | MS_SLAVE, NULL) != 0)
        die_with_error("cannot make the sandbox's mounts private");
    bind_resolv_conf(resolv_conf);
    /* A procfs of the sandbox's PID namespace: the host's processes, and
     * their /proc/PID/ns links, are out of sight. */
    if (mount("proc", "/proc", "proc", MOUNT_SAFE, NULL) != 0)
        die_with_error("cannot mount /proc for the sandbox");
}
