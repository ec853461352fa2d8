/* The one error idiom (die*) and small allocation and I/O helpers. */
#include "util.h"

#include <errno.h>
#include <linux/close_range.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

const char *program_name = "torgate";

bool verbose;
static int error_fd = -1;
static int forced_status = -1;
static bool child_of_launcher;

void report_errors_to(int fd) { error_fd = fd; }
void die_as_child(void) { child_of_launcher = true; }
static void (*also_on_die)(const char *message);
void die_also(void (*fn)(const char *message)) { also_on_die = fn; }
void die_with_status_from_now(int status) { forced_status = status; }

/* Errors that mean one of the caller's limits was reached: what to raise. */
static const struct {
    int errnum;
    const char *fix;
} limit_errors[] = {
    {EMFILE, "raise the open files limit, ulimit -n"},
    {ENFILE, "the system's open file table is full"},
    {ENOMEM, "raise the address space or data limit, ulimit -v or -d, or free memory"},
};

static const char *limit_fix(int errnum)
{
    for (size_t i = 0; i < N_ELEMENTS(limit_errors); i++)
        if (limit_errors[i].errnum == errnum)
            return limit_errors[i].fix;
    return NULL;
}

__attribute__((noreturn, format(printf, 3, 0))) static void die_va(int status, int errnum, const char *fmt,
                                                                   va_list ap)
{
    char msg[1024];
    if (forced_status >= 0)
        status = forced_status;
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof msg)
        n = sizeof msg - 1;
    if (errnum)
        snprintf(msg + n, sizeof msg - (size_t)n, ": %s%s%s%s", strerror(errnum), limit_fix(errnum) ? " (" : "",
                 limit_fix(errnum) ? limit_fix(errnum) : "", limit_fix(errnum) ? ")" : "");

    if (error_fd >= 0) {
        unsigned char code = (unsigned char)status;
        /* One write, so the launcher reads the status and message together. */
        char buf[sizeof msg + 1];
        buf[0] = (char)code;
        size_t len = strlen(msg);
        memcpy(buf + 1, msg, len);
        write_all(error_fd, buf, len + 1);
        _exit(status);
    }
    fprintf(stderr, "%s: %s\n", program_name, msg);
    if (also_on_die && !child_of_launcher) {
        void (*also)(const char *) = also_on_die;
        also_on_die = NULL; /* once, even if it dies itself */
        also(msg);
    }
    if (child_of_launcher) {
        fflush(stderr);
        _exit(status);
    }
    exit(status);
}

pid_t fork_or_die(const char *what)
{
    pid_t pid = fork();
    if (pid < 0 && errno == EAGAIN)
        die("cannot fork %s: your user has as many processes as its limit allows (ulimit -u, or the session's "
            "TasksMax): end some, or raise it",
            what);
    if (pid < 0)
        die_with_error("cannot fork %s", what);
    return pid;
}

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    die_va(EXIT_TORGATE, 0, fmt, ap);
}

void die_with_error(const char *fmt, ...)
{
    int errnum = errno;
    va_list ap;
    va_start(ap, fmt);
    die_va(EXIT_TORGATE, errnum, fmt, ap);
}

void die_with_status(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    die_va(status, 0, fmt, ap);
}

void warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: warning: ", program_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void debug(const char *fmt, ...)
{
    if (!verbose)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: [%ld.%06ld] ", program_name, (long)now.tv_sec, now.tv_nsec / 1000);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die("out of memory");
    return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
    void *q = reallocarray(p, n ? n : 1, size ? size : 1);
    if (!q)
        die("out of memory");
    return q;
}

char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        die("out of memory");
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    char *p;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (n < 0)
        die("out of memory");
    return p;
}

void make_directories(const char *path, unsigned mode)
{
    autofree char *copy = xstrdup(path);
    for (char *slash = copy + 1; (slash = strchr(slash, '/')); slash++) {
        *slash = '\0';
        (void)(mkdir(copy, mode) == 0 || errno == EEXIST);
        *slash = '/';
    }
    (void)(mkdir(copy, mode) == 0 || errno == EEXIST);
}

/* One read(2) or write(2), retried on EINTR. */
static ssize_t transfer(int fd, char *p, size_t len, bool writing)
{
    for (;;) {
        ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);
        if (n >= 0 || errno != EINTR)
            return n;
    }
}

static bool transfer_all(int fd, char *p, size_t len, bool writing)
{
    while (len > 0) {
        ssize_t n = transfer(fd, p, len, writing);
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool write_all(int fd, const void *buf, size_t len) { return transfer_all(fd, (char *)buf, len, true); }

bool send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool read_all(int fd, void *buf, size_t len) { return transfer_all(fd, buf, len, false); }

bool close_all_fds_but(int keep_a, int keep_b)
{
    int keep[2] = {keep_a < keep_b ? keep_a : keep_b, keep_a < keep_b ? keep_b : keep_a};
    unsigned from = 3;
    for (int i = 0; i < 2; i++) {
        if (keep[i] < (int)from)
            continue;
        if ((unsigned)keep[i] > from && close_range(from, (unsigned)keep[i] - 1, 0) != 0)
            return false;
        from = (unsigned)keep[i] + 1;
    }
    return close_range(from, ~0U, 0) == 0;
}

bool read_bounded(int fd, char *buf, size_t size, size_t *len)
{
    *len = 0;
    for (;;) {
        ssize_t n = transfer(fd, buf + *len, size - 1 - *len, false);
        if (n < 0)
            return false;
        *len += (size_t)n;
        if (n == 0 || *len == size - 1)
            break;
    }
    buf[*len] = '\0';
    return true;
}
