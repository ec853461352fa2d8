/* Shared helpers: the one error idiom and the cleanup attributes. */
#ifndef TORGATE_UTIL_H
#define TORGATE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* torgate's own failures exit with 125, like env(1) and timeout(1); 126 and 127
 * mean COMMAND could not be run or was not found, as a shell reports them. */
enum {
    EXIT_TORGATE = 125,
    EXIT_CANNOT_RUN = 126,
    EXIT_NOT_FOUND = 127,
};

/* What die(), warn() and debug() lines start with: "torgate". */
extern const char *program_name;

/* Print "torgate: MESSAGE" (one line) and exit with EXIT_TORGATE.
 * die_with_error() appends ": strerror(errno)". In a sandbox process set up
 * by report_errors_to() the line goes to the launcher instead, which prints it. */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);
__attribute__((noreturn, format(printf, 1, 2))) void die_with_error(const char *fmt, ...);
__attribute__((noreturn, format(printf, 2, 3))) void die_with_status(int status, const char *fmt, ...);

/* fork(), or die naming what was to be forked (and, when the caller's
 * process limit stopped it, that limit). */
pid_t fork_or_die(const char *what);

/* From now on die*() in this process exits with status, whatever the
 * failure: for the launcher's last steps, once COMMAND's status is known. */
void die_with_status_from_now(int status);

/* From now on die*() in this process writes "<status byte><message>" to fd and
 * calls _exit(): used by the processes forked for the sandbox, whose errors the
 * launcher prints so that the user sees exactly one line. */
void report_errors_to(int fd);
/* From now on die*() in this process prints its line and calls _exit(): a
 * child forked from the launcher (a helper) must not run the launcher's
 * atexit() cleanup, which undoes what the launcher still holds. */
void die_as_child(void);
/* fn(message) also runs when the launcher dies (never in its children),
 * once, after the message went to stderr: notify.c's notification. */
void die_also(void (*fn)(const char *message));

/* -v: progress lines on stderr. */
extern bool verbose;
__attribute__((format(printf, 1, 2))) void debug(const char *fmt, ...);
/* Print "torgate: warning: MESSAGE" (one line) and carry on. */
__attribute__((format(printf, 1, 2))) void warn(const char *fmt, ...);

void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
__attribute__((format(printf, 1, 2))) char *xasprintf(const char *fmt, ...);

/* write(2) all of buf, retrying on EINTR and short writes. */
bool write_all(int fd, const void *buf, size_t len);
/* write_all for a socket whose peer may be gone: EPIPE, never SIGPIPE. */
bool send_all(int fd, const void *buf, size_t len);
/* read(2) exactly len bytes; false on EOF or error. */
bool read_all(int fd, void *buf, size_t len);
/* The one bounded reader: reads to EOF or until size - 1 bytes, whichever
 * comes first, and NUL-terminates; *len is what was read (size - 1: maybe
 * more was there). False on a read error (errno). */
bool read_bounded(int fd, char *buf, size_t size, size_t *len);

/* Closes every descriptor from 3 up but keep_a and keep_b (-1: none), as a
 * helper process does first so that it holds none of its parent's; false
 * if the kernel refused (the caller must then not go on). */
bool close_all_fds_but(int keep_a, int keep_b);

/* mkdir -p, as whoever calls it; what cannot be made is left (the caller
 * finds out when it opens the path). */
void make_directories(const char *path, unsigned mode);

/* A letter, a digit, '-' or '_': what a label of a hostname (or of a DNS
 * service name) is made of, and nothing that Tor's control events would
 * print as more than itself. */
static inline bool hostname_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Cleanup attributes, so that every early return frees what it holds. */
static inline void cleanup_freep(void *p) { free(*(void **)p); }
static inline void cleanup_closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void cleanup_fclosep(FILE **f) { if (*f) fclose(*f); }
#define autofree __attribute__((cleanup(cleanup_freep)))
#define autoclose __attribute__((cleanup(cleanup_closep)))
#define autofclose __attribute__((cleanup(cleanup_fclosep)))

/* Hand a resource out of a cleanup-attributed variable. */
#define steal_pointer(pp) ({ __typeof__(*(pp)) _p = *(pp); *(pp) = NULL; _p; })
#define steal_fd(fdp) ({ int _fd = *(fdp); *(fdp) = -1; _fd; })

#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

#endif
