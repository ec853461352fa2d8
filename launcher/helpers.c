/* See helpers.h. */
#include "helpers.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "privileged.h"
#include "util.h"

char *helper_path(const char *name)
{
    return xasprintf("/proc/self/fd/%d/%s", HELPER_DIR_FD, name);
}

void helper_tie(pid_t launcher)
{
    die_as_child();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != launcher)
        _exit(EXIT_TORGATE);
}

void helper_unprivileged(const char *what)
{
    caps_drop_all();
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        die_with_error("cannot set no_new_privs for %s", what);
}

/* The child: the user and nothing more, then the helper. Its errors reach
 * the terminal; the launcher finds out when the helper is not ready. */
__attribute__((noreturn)) static void exec_helper(const struct plan *plan, const char *path, char **argv,
                                                  char **envp, pid_t launcher, int sync_fd, int mount_fd)
{
    helper_tie(launcher);
    if (plan->view.hostname)
        priv_own_hostname(plan->view.hostname);
    helper_unprivileged(path);
    /* Out of the way first, so that neither lands on the other's number. */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    int sync_high = fcntl(sync_fd >= 0 ? sync_fd : null, F_DUPFD_CLOEXEC, 16);
    int mount_high = fcntl(mount_fd, F_DUPFD_CLOEXEC, 16);
    if (null < 0 || sync_high < 0 || mount_high < 0 || dup2(null, STDIN_FILENO) < 0 ||
        dup2(sync_high, HELPER_SYNC_FD) < 0 || dup2(mount_high, HELPER_DIR_FD) < 0 ||
        syscall(SYS_close_range, HELPER_DIR_FD + 1, ~0U, 0) != 0)
        die_with_error("cannot prepare the descriptors of %s", path);
    execve(path, argv, envp);
    die_with_error("cannot run %s", path);
}

pid_t helper_spawn(const struct plan *plan, const char *path, char **argv, char **envp, int sync_fd, int mount_fd)
{
    pid_t launcher = getpid();
    pid_t pid = fork_or_die(path);
    if (pid == 0)
        exec_helper(plan, path, argv, envp, launcher, sync_fd, mount_fd);
    return pid;
}

void helpers_start(const struct plan *plan, struct helpers *h)
{
    *h = (struct helpers){.mount_fd = -1, .bus_sync_fd = -1};
    if (!plan->desktop.helpers)
        return;
    h->mount_fd = priv_detached_tmpfs();
    if (plan->desktop.proxy)
        h->bus_proxy = bus_proxy_spawn(plan, h->mount_fd, &h->bus_sync_fd);
    if (plan->desktop.sound[0])
        h->sound = sound_spawn(plan, h->mount_fd);
}

void helpers_wait_ready(struct helpers *h)
{
    if (h->bus_proxy)
        bus_proxy_wait_ready(h->bus_sync_fd);
    if (h->sound)
        sound_wait_ready(h->sound, h->mount_fd);
    /* The sandbox has its own copy of the tmpfs's descriptor. */
    if (h->mount_fd >= 0)
        close(h->mount_fd);
    h->mount_fd = -1;
}
