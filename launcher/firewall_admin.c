/* See firewall_admin.h. The table is left in place by every launch (it only
 * narrows what the host allows, on links that exist while a sandbox runs),
 * so that a machine that stops using torgate needs remove-firewall to be
 * rid of it. Deleting it under a running sandbox would take that sandbox's
 * host wall away: it is deleted only when nothing of torgate runs. And when
 * something else deletes it (nft flush ruleset), restore-firewall puts it
 * back. */
#include "firewall_admin.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "privileged.h"
#include "util.h"

static void closedirp(DIR **d)
{
    if (*d)
        closedir(*d);
}
#define autoclosedir __attribute__((cleanup(closedirp)))

/* An executable named torgate, wherever installed, deleted by an upgrade
 * or not. */
static bool torgate_executable(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strcmp(base, "torgate") == 0 || strcmp(base, "torgate (deleted)") == 0;
}

/* Where root may not read a process's exe link (no CAP_SYS_PTRACE, as in
 * some containers), its name, which is the executable's unless it renamed
 * itself: a launcher is called torgate. False if unreadable. */
static bool comm_of(long pid, char *name, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/comm", pid);
    autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t n;
    if (fd < 0 || !read_bounded(fd, name, size - 1, &n))
        return false;
    name[n] = '\0';
    name[strcspn(name, "\n")] = '\0';
    return true;
}

/* Another process running torgate: the launcher of a sandbox (an offline one
 * has no link), or one still starting, which may be about to write the
 * table and make its link. Read as root before anything is dropped: a
 * launcher is not dumpable, and its exe link is root's to read only with
 * CAP_SYS_PTRACE. */
static pid_t other_torgate(void)
{
    autoclosedir DIR *proc = opendir("/proc");
    if (!proc)
        die_with_error("cannot list the processes in /proc");
    pid_t self = getpid();
    for (struct dirent *e; (e = readdir(proc));) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (!isdigit((unsigned char)e->d_name[0]) || *end || pid == self)
            continue;
        char link[64], target[PATH_MAX];
        snprintf(link, sizeof link, "/proc/%ld/exe", pid);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n >= 0)
            target[n] = '\0';
        else if (!((errno == EACCES || errno == EPERM) && comm_of(pid, target, sizeof target)))
            continue; /* a kernel thread, or gone */
        if (torgate_executable(target))
            return (pid_t)pid;
    }
    return 0;
}

int remove_firewall_run(const struct torgate_config *cfg)
{
    /* Root's only: with the binary's capabilities, an ordinary caller (who
     * may see only their own processes: hidepid) could take the table from
     * under another user's sandbox. */
    if (getuid() != 0)
        die("torgate remove-firewall is for root (the package removes the table when it is removed)");
    pid_t running = other_torgate();
    if (running) {
        fprintf(stderr, "torgate: torgate's firewall table stays: torgate runs (PID %d); run 'torgate "
                        "remove-firewall' again once every sandbox has ended\n",
                (int)running);
        return 1;
    }
    caps_init();
    unsigned links;
    switch (priv_remove_firewall(cfg, &links)) {
    case FIREWALL_ABSENT: return 0;
    case FIREWALL_REMOVED: debug("table inet torgate deleted"); return 0;
    case FIREWALL_IN_USE: break;
    }
    fprintf(stderr, "torgate: torgate's firewall table stays: %u sandbox link(s) exist (tgN); run 'torgate "
                    "remove-firewall' again once every sandbox has ended\n",
            links);
    return 1;
}

int restore_firewall_run(const struct torgate_config *cfg)
{
    /* Root's only, as the caller of the unit that runs it: it writes the
     * table as root's configuration says. */
    if (getuid() != 0)
        die("torgate restore-firewall is for root (nftables.service runs it after it flushes the ruleset)");
    caps_init();
    unsigned links = priv_restore_firewall(cfg);
    debug("%u sandbox link(s): %s", links, links ? "table written" : "nothing to restore");
    return 0;
}
