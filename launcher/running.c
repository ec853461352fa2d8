/* See running.h. */
#include "running.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "profile.h"
#include "circuit_request.h"
#include "util.h"

#define RUNTIME_ROOT "/run/user"
#define RECORDS "torgate-sandboxes"
#define STOP_GRACE_MS 5000

static char *recorded; /* this launcher's record, to remove at exit */

static char *records_dir(unsigned uid) { return xasprintf(RUNTIME_ROOT "/%u/" RECORDS, uid); }

/* Field 22 of /proc/PID/stat, in clock ticks since boot; 0 if gone. The
 * command name (field 2) may hold spaces and parentheses: read past the
 * last ')'. */
static unsigned long long start_time(long pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t n;
    if (fd < 0 || !read_bounded(fd, buf, sizeof buf - 1, &n))
        return 0;
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    unsigned long long t = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &t) != 1)
        return 0;
    return t;
}

/* The process's real uid and command name, from /proc/PID/status. */
static bool owner_and_name(long pid, unsigned *uid, char *name, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    autofclose FILE *f = fopen(path, "re");
    char line[256];
    bool got_uid = false, got_name = false;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "Name:\t", 6) == 0) {
            size_t n = strcspn(line + 6, "\n");
            n = n < size ? n : size - 1;
            memcpy(name, line + 6, n);
            name[n] = '\0';
            got_name = true;
        } else if (sscanf(line, "Uid:\t%u", uid) == 1)
            got_uid = true;
    }
    return got_uid && got_name;
}

/* Only printable characters reach the terminal: a record is the user's to
 * write, and root may list it. */
static void sanitize(char *s)
{
    for (; *s; s++)
        if (!isprint((unsigned char)*s) || *s == '\t')
            *s = '?';
}

struct record {
    long pid;
    unsigned uid;
    unsigned long long start;
    long long since;
    char profile[80], mode[16], address[20], command[512];
};

/* The record named name in the directory open at dir: a regular file of
 * the user's, read without following a link or waiting on a FIFO (root
 * lists records that users write). */
static bool parse_record(int dir, const char *name, long pid, unsigned uid, struct record *r)
{
    autoclose int fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    char line[1024];
    size_t len;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != uid ||
        !read_bounded(fd, line, sizeof line - 1, &len))
        return false;
    line[len] = '\0';
    line[strcspn(line, "\n")] = '\0';
    *r = (struct record){.pid = pid, .uid = uid};
    char *fields[6], *save = NULL, *tok = strtok_r(line, "\t", &save);
    int n = 0;
    for (; tok && n < 6; tok = n < 5 ? strtok_r(NULL, "\t", &save) : strtok_r(NULL, "", &save))
        fields[n++] = tok;
    if (n != 6)
        return false;
    r->start = strtoull(fields[0], NULL, 10);
    r->since = strtoll(fields[1], NULL, 10);
    snprintf(r->profile, sizeof r->profile, "%s", fields[2]);
    snprintf(r->mode, sizeof r->mode, "%s", fields[3]);
    snprintf(r->address, sizeof r->address, "%s", fields[4]);
    snprintf(r->command, sizeof r->command, "%s", fields[5]);
    sanitize(r->profile);
    sanitize(r->mode);
    sanitize(r->address);
    sanitize(r->command);
    return true;
}

/* Whether the record stands for a launcher that runs: torgate, the record's
 * user, started when recorded. */
static bool alive(const struct record *r)
{
    unsigned uid;
    char name[32];
    return r->start && start_time(r->pid) == r->start && owner_and_name(r->pid, &uid, name, sizeof name) &&
           uid == r->uid && strcmp(name, "torgate") == 0;
}

/* fn for every record of the users whose directories the caller may read
 * (root: all), after removing those that stand for nothing. */
static void each_record(bool (*fn)(const struct record *, void *), void *ctx)
{
    unsigned me = (unsigned)getuid();
    DIR *users = opendir(RUNTIME_ROOT);
    for (struct dirent *u; users && (u = readdir(users));) {
        char *end;
        unsigned long uid = strtoul(u->d_name, &end, 10);
        if (!isdigit((unsigned char)u->d_name[0]) || *end || (me != 0 && uid != me))
            continue;
        /* The user's directory, never a link to elsewhere: stale records are
         * removed in it, and only in it. */
        autofree char *dir = records_dir((unsigned)uid);
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        DIR *d = fd >= 0 && fstat(fd, &st) == 0 && st.st_uid == uid ? fdopendir(fd) : NULL;
        if (!d && fd >= 0)
            close(fd);
        for (struct dirent *e; d && (e = readdir(d));) {
            long pid = strtol(e->d_name, &end, 10);
            if (!isdigit((unsigned char)e->d_name[0]) || *end)
                continue;
            struct record r;
            if (!parse_record(dirfd(d), e->d_name, pid, (unsigned)uid, &r) || !alive(&r)) {
                (void)unlinkat(dirfd(d), e->d_name, 0);
                continue;
            }
            if (!fn(&r, ctx))
                break;
        }
        if (d)
            closedir(d);
    }
    if (users)
        closedir(users);
}

static bool prune_only(const struct record *r, void *ctx)
{
    (void)r;
    (void)ctx;
    return true;
}

void running_record(const struct plan *plan, const struct slot *slot)
{
    unsigned uid = (unsigned)getuid();
    autofree char *dir = records_dir(uid);
    autofree char *parent = xasprintf(RUNTIME_ROOT "/%u", uid);
    struct stat st;
    if (stat(parent, &st) != 0 || st.st_uid != uid)
        return; /* no session of the user's: nothing to list */
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return;
    each_record(prune_only, NULL);
    char address[16] = "-";
    if (slot->index != NO_SLOT)
        format_addr4(slot->address, address);
    FILE *cmd = NULL;
    char *command = NULL;
    size_t len = 0;
    cmd = open_memstream(&command, &len);
    for (char **a = plan->argv; cmd && *a; a++)
        fprintf(cmd, "%s%s", a == plan->argv ? "" : " ", *a);
    if (!cmd || fclose(cmd) != 0)
        return;
    for (char *c = command; *c; c++)
        if (*c == '\n' || *c == '\t')
            *c = ' ';
    recorded = xasprintf("%s/%ld", dir, (long)getpid());
    autofree char *text = xasprintf("%llu\t%lld\t%s\t%s\t%s\t%.400s\n", start_time(getpid()), (long long)time(NULL),
                                    plan->profile->name, net_mode_name(plan->profile->mode), address, command);
    free(command);
    autoclose int fd = open(recorded, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || !write_all(fd, text, strlen(text))) {
        (void)unlink(recorded);
        free(recorded);
        recorded = NULL;
    }
}

bool running_claim_single(const char *profile)
{
    unsigned uid = (unsigned)getuid();
    autofree char *dir = records_dir(uid);
    autofree char *parent = xasprintf(RUNTIME_ROOT "/%u", uid);
    struct stat st;
    if (stat(parent, &st) != 0 || st.st_uid != uid || (mkdir(dir, 0700) != 0 && errno != EEXIST))
        return true;
    autoclose int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0 || fstat(dfd, &st) != 0 || st.st_uid != uid)
        return true;
    autofree char *name = xasprintf("single-%s.lock", profile);
    /* never closed: the lock lives as long as this launcher */
    int fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
    if (fd < 0)
        die_with_error("cannot take %s/%s (single-instance)", dir, name);
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        return true;
    close(fd);
    if (errno != EWOULDBLOCK)
        die_with_error("cannot lock %s/%s (single-instance)", dir, name);
    return false;
}

void running_forget(void)
{
    if (recorded)
        (void)unlink(recorded);
    free(recorded);
    recorded = NULL;
}

static const char *user_name(unsigned uid, char *buf, size_t size)
{
    struct passwd *pw = getpwuid(uid);
    if (pw)
        snprintf(buf, size, "%s", pw->pw_name);
    else
        snprintf(buf, size, "%u", uid);
    return buf;
}

static bool print_record(const struct record *r, void *ctx)
{
    (void)ctx;
    char since[32], name[64];
    time_t t = (time_t)r->since;
    struct tm tm;
    if (!localtime_r(&t, &tm) || !strftime(since, sizeof since, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(since, sizeof since, "?");
    printf("%-8ld %-10s %-16s %-9s %-15s %-19s %s\n", r->pid, user_name(r->uid, name, sizeof name), r->profile,
           r->mode, r->address, since, r->command);
    return true;
}

int running_list(void)
{
    printf("%-8s %-10s %-16s %-9s %-15s %-19s %s\n", "ID", "USER", "PROFILE", "MODE", "ADDRESS", "SINCE",
           "COMMAND");
    each_record(print_record, NULL);
    return 0;
}

struct wanted {
    long pid;
    struct record found;
    bool hit;
};

static bool find_record(const struct record *r, void *ctx)
{
    struct wanted *w = ctx;
    if (r->pid != w->pid)
        return true;
    w->found = *r;
    w->hit = true;
    return false;
}

/* The caller's sandbox (root: anyone's) of ID; dies naming what is wrong. */
static struct record find_by_id(const char *id, const char *verb)
{
    char *end;
    errno = 0;
    long pid = strtol(id, &end, 10);
    if (!isdigit((unsigned char)id[0]) || *end || errno || pid <= 0)
        die("%s: '%s' is not a sandbox ID (torgate list shows them)", verb, id);
    struct wanted w = {.pid = pid};
    each_record(find_record, &w);
    if (!w.hit)
        die("%s: no sandbox of yours has ID %ld (torgate list shows them)", verb, pid);
    return w.found;
}

int running_stop(const char *id)
{
    struct record found = find_by_id(id, "stop");
    long pid = found.pid;
    /* As SIGTERM to torgate: COMMAND gets it, and the sandbox ends with it. */
    if (kill((pid_t)pid, SIGTERM) != 0)
        die_with_error("stop: cannot signal sandbox %ld", pid);
    for (int waited = 0; waited < STOP_GRACE_MS && alive(&found); waited += 20)
        nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
    if (alive(&found)) {
        /* COMMAND ignored SIGTERM: torgate's SIGKILL takes the whole sandbox. */
        if (kill((pid_t)pid, SIGKILL) != 0 && errno != ESRCH)
            die_with_error("stop: cannot kill sandbox %ld", pid);
        printf("stopped %ld (%s): killed, it did not end within %d s of SIGTERM\n", pid, found.command,
               STOP_GRACE_MS / 1000);
        return 0;
    }
    printf("stopped %ld (%s)\n", pid, found.command);
    return 0;
}

int running_new_circuit(const char *id, const char *socket_path)
{
    struct record found = find_by_id(id, "new-circuit");
    if (strcmp(found.mode, net_mode_name(MODE_TOR)) != 0)
        die("new-circuit: sandbox %ld (%s) is in %s mode: only tor mode has circuits", found.pid, found.command,
            found.mode);
    /* The record is the user's to write: the filter checks whose the
     * address is, whatever the record says. */
    return tor_new_circuit(socket_path, found.address, found.pid, found.command, found.since);
}
