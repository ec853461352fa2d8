/* See wrap.h. */
#include "wrap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "desktop_entry.h"
#include "environment.h"
#include "profile.h"
#include "util.h"

#ifndef TORGATE_BINDIR
#define TORGATE_BINDIR "/usr/local/bin"
#endif

#define SYSTEM_TARGET "/usr/local/share/applications"
#define SYSTEM_KEPT "/var/lib/torgate/unwrapped"
#define SYSTEM_SOURCES "/usr/share"
#define DEFAULT_DATA_DIRS "/usr/local/share:/usr/share"
#define MAX_ENTRY_SIZE (1 << 20)

/* Where entries go, where a user's own are kept meanwhile, and where the
 * installed ones are read (a ':'-separated list of data directories). */
struct wrap_dirs {
    char *target, *kept, *sources;
};

static bool absolute(const char *path) { return path && path[0] == '/'; }

static struct wrap_dirs dirs_for(bool system)
{
    if (system) {
        if (getuid() != 0)
            die("wrap --system is for root: it writes " SYSTEM_TARGET);
        return (struct wrap_dirs){xstrdup(SYSTEM_TARGET), xstrdup(SYSTEM_KEPT), xstrdup(SYSTEM_SOURCES)};
    }
    autofree char *home = user_home_dir();
    if (!home)
        die("wrap: you have no home directory in the password database, where your menu entries go");
    const char *data_home = environment_caller_get("XDG_DATA_HOME");
    const char *data_dirs = environment_caller_get("XDG_DATA_DIRS");
    autofree char *share = absolute(data_home) ? xstrdup(data_home) : xasprintf("%s/.local/share", home);
    return (struct wrap_dirs){xasprintf("%s/applications", share), xasprintf("%s/torgate/unwrapped", share),
                              xstrdup(data_dirs && *data_dirs ? data_dirs : DEFAULT_DATA_DIRS)};
}

static void dirs_clear(struct wrap_dirs *d)
{
    free(d->target);
    free(d->kept);
    free(d->sources);
}

/* A regular file's text, at most MAX_ENTRY_SIZE; NULL with errno. */
static char *read_entry(const char *path)
{
    autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        return NULL;
    if (!S_ISREG(st.st_mode) || st.st_size > MAX_ENTRY_SIZE) {
        errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
        return NULL;
    }
    char *text = xcalloc((size_t)st.st_size + 1, 1);
    if (!read_all(fd, text, (size_t)st.st_size)) {
        free(text);
        errno = EIO;
        return NULL;
    }
    if (memchr(text, '\0', (size_t)st.st_size)) { /* not text */
        free(text);
        errno = EINVAL;
        return NULL;
    }
    return text;
}

/* text to path, through a temporary file and rename: a reader sees the old
 * entry or the new, never half of one. */
static void write_entry(const char *path, const char *text)
{
    autofree char *tmp = xasprintf("%s.torgate-new", path);
    autoclose int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 || !write_all(fd, text, strlen(text)) || fsync(fd) != 0 || rename(tmp, path) != 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        die_with_error("cannot write %s", path);
    }
}

static void make_dirs(const char *path, mode_t mode)
{
    autofree char *p = xstrdup(path);
    for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
        if (s)
            *s = '\0';
        if (mkdir(p, mode) != 0 && errno != EEXIST)
            die_with_error("cannot make %s", p);
        if (!s)
            return;
        *s = '/';
    }
}

static bool system_profile_exists(const char *name, void *ctx)
{
    (void)ctx;
    struct profile_dirs dirs = profile_dirs_installed(NULL);
    for (size_t i = 0; i < N_ELEMENTS(dirs.system); i++) {
        if (!dirs.system[i])
            continue;
        autofree char *path = xasprintf("%s/%s.profile", dirs.system[i], name);
        if (access(path, R_OK) == 0)
            return true;
    }
    return false;
}

static bool is_entry_name(const char *name)
{
    size_t len = strlen(name);
    return name[0] != '.' && len > 8 && strcmp(name + len - 8, ".desktop") == 0;
}

/* The installed entry with this ID: the first data directory that has it. */
static char *installed_entry(const struct wrap_dirs *d, const char *id)
{
    autofree char *list = xstrdup(d->sources);
    for (char *save = NULL, *dir = strtok_r(list, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        if (!absolute(dir))
            continue;
        autofree char *apps = xasprintf("%s/applications", dir);
        if (strcmp(apps, d->target) == 0)
            continue;
        autofree char *path = xasprintf("%s/%s", apps, id);
        char *text = read_entry(path);
        if (text)
            return text;
    }
    return NULL;
}

/* Wraps one entry ID: from the user's own (kept aside first), or from what
 * torgate kept of it, or from the installed one. */
static void wrap_one(const struct wrap_dirs *d, const char *id, const struct wrap_request *req, int *wrapped)
{
    autofree char *target = xasprintf("%s/%s", d->target, id);
    autofree char *kept = xasprintf("%s/%s", d->kept, id);
    autofree char *current = read_entry(target);
    autofree char *ours = current ? desktop_entry_wrapped_profile(current) : NULL;
    autofree char *own = current && !ours ? steal_pointer(&current) : read_entry(kept);
    autofree char *base = own ? xstrdup(own) : installed_entry(d, id);
    autofree char *text = NULL, *profile = NULL, *why = NULL;
    if (!base || !desktop_entry_wrap(base, req, &text, &profile, &why))
        return;
    if (own && !ours) {
        make_dirs(d->kept, 0700);
        write_entry(kept, own);
    }
    write_entry(target, text);
    printf("wrapped %s (profile %s)%s\n", id, profile, own ? ", your own entry kept aside" : "");
    (*wrapped)++;
}

/* Every ID in the target and the data directories, once. */
static void each_id(const struct wrap_dirs *d, void (*fn)(const struct wrap_dirs *, const char *, void *), void *ctx)
{
    autofree char *list = xasprintf("%s:%s", d->target, d->sources);
    char **seen = NULL;
    size_t n_seen = 0;
    bool first = true;
    for (char *save = NULL, *dir = strtok_r(list, ":", &save); dir; dir = strtok_r(NULL, ":", &save), first = false) {
        if (!absolute(dir))
            continue;
        autofree char *apps = first ? xstrdup(dir) : xasprintf("%s/applications", dir);
        DIR *dp = opendir(apps);
        for (struct dirent *e; dp && (e = readdir(dp));) {
            bool dup = !is_entry_name(e->d_name);
            for (size_t i = 0; i < n_seen && !dup; i++)
                dup = strcmp(seen[i], e->d_name) == 0;
            if (dup)
                continue;
            seen = xreallocarray(seen, n_seen + 1, sizeof *seen);
            seen[n_seen++] = xstrdup(e->d_name);
            fn(d, e->d_name, ctx);
        }
        if (dp)
            closedir(dp);
    }
    for (size_t i = 0; i < n_seen; i++)
        free(seen[i]);
    free(seen);
}

struct wrap_ctx {
    struct wrap_request req;
    int count;
};

static void wrap_id(const struct wrap_dirs *d, const char *id, void *ctx)
{
    struct wrap_ctx *w = ctx;
    wrap_one(d, id, &w->req, &w->count);
}

/* The entries torgate wrote in the target. */
static void each_wrapped(const struct wrap_dirs *d, void (*fn)(const struct wrap_dirs *, const char *, const char *))
{
    DIR *dp = opendir(d->target);
    if (!dp)
        return;
    for (struct dirent *e; (e = readdir(dp));) {
        if (!is_entry_name(e->d_name))
            continue;
        autofree char *path = xasprintf("%s/%s", d->target, e->d_name);
        autofree char *text = read_entry(path);
        autofree char *profile = text ? desktop_entry_wrapped_profile(text) : NULL;
        if (profile)
            fn(d, e->d_name, profile);
    }
    closedir(dp);
}

static void list_one(const struct wrap_dirs *d, const char *id, const char *profile)
{
    autofree char *kept = xasprintf("%s/%s", d->kept, id);
    printf("%s\t%s%s\n", id, profile, access(kept, F_OK) == 0 ? "\t(your own entry kept aside)" : "");
}

static void undo_one(const struct wrap_dirs *d, const char *id, const char *profile)
{
    (void)profile;
    autofree char *target = xasprintf("%s/%s", d->target, id);
    autofree char *kept = xasprintf("%s/%s", d->kept, id);
    if (rename(kept, target) == 0) {
        printf("unwrapped %s: your own entry is back\n", id);
        return;
    }
    if (errno != ENOENT)
        die_with_error("cannot put back %s as %s", kept, target);
    if (unlink(target) != 0)
        die_with_error("cannot remove %s", target);
    printf("unwrapped %s\n", id);
}

int wrap_run(enum wrap_action action, bool system)
{
    struct wrap_dirs d = dirs_for(system);
    if (action == WRAP_LIST) {
        each_wrapped(&d, list_one);
    } else if (action == WRAP_UNDO) {
        each_wrapped(&d, undo_one);
        (void)rmdir(d.kept); /* only if empty */
    } else {
        struct wrap_ctx w = {.req = {.torgate = TORGATE_BINDIR "/torgate", .has_profile = system_profile_exists}};
        make_dirs(d.target, 0755);
        each_id(&d, wrap_id, &w);
        if (w.count == 0)
            printf("no installed application has a torgate profile (torgate --list-profiles)\n");
    }
    dirs_clear(&d);
    return 0;
}
