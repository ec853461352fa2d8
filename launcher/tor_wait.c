/* See tor_wait.h. */
#include "tor_wait.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control_filter.h"
#include "control_protocol.h"
#include "notify.h"
#include "util.h"

#define BOOTSTRAP_ALLOWLIST "bootstrap"

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Milliseconds to the deadline, never negative (poll's "for ever"). */
static int time_left(long deadline)
{
    long left = deadline - now_ms();
    return left > 0 ? (int)left : 0;
}

/* Where the filter answers the host's users: its allowlist says. NULL
 * with *err if it cannot be read or names no socket. */
static char *bootstrap_socket(char **err)
{
    struct control_allowlist list;
    if (!control_allowlist_read(&list, CONTROL_ALLOWLIST_DIR, BOOTSTRAP_ALLOWLIST, err))
        return NULL;
    char *path = steal_pointer(&list.socket);
    control_allowlist_clear(&list);
    if (!path)
        *err = xstrdup(CONTROL_ALLOWLIST_DIR "/" BOOTSTRAP_ALLOWLIST ".conf names no [filter] socket");
    return path;
}

struct progress {
    int percent;    /* -1: Tor not reached yet */
    char summary[128];
    bool terminal;  /* progress lines on stderr */
};

static void show(struct progress *p, int percent, const char *summary)
{
    if (percent == p->percent && strcmp(summary, p->summary) == 0)
        return;
    p->percent = percent;
    snprintf(p->summary, sizeof p->summary, "%s", summary);
    if (p->terminal)
        fprintf(stderr, "%s: Tor: %d%% (%s)\n", program_name, percent, summary);
}

/* Follows the bootstrap on one connection until 100%, the deadline, or the
 * connection's end (the filter could not reach Tor: 551). */
static bool follow(int fd, struct progress *p, long deadline)
{
    struct line_reader *r = xcalloc(1, sizeof *r);
    r->fd = fd;
    static const char ask[] = "SETEVENTS STATUS_CLIENT\r\nGETINFO status/bootstrap-phase\r\n";
    bool done = false;
    if (send_all(fd, ask, sizeof ask - 1)) {
        for (char *line; !done && (line = line_read(r, time_left(deadline))); free(line)) {
            int percent;
            char summary[128];
            if (strncmp(line, "551", 3) == 0) { /* the filter has no Tor to ask */
                free(line);
                break;
            }
            if (control_bootstrap_parse(line, &percent, summary, sizeof summary)) {
                show(p, percent, summary);
                done = percent == 100;
            }
        }
    }
    free(r);
    return done;
}

static void pause_until(long deadline, long step_ms)
{
    long left = deadline - now_ms();
    long ms = left < step_ms ? left : step_ms;
    if (ms > 0)
        nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

int tor_bootstrap_now(char *summary, size_t size)
{
    autofree char *err = NULL;
    autofree char *path = bootstrap_socket(&err);
    autoclose int fd = path ? control_connect_unix(path) : -1;
    if (fd < 0)
        return -1;
    struct line_reader *r = xcalloc(1, sizeof *r);
    r->fd = fd;
    static const char ask[] = "GETINFO status/bootstrap-phase\r\n";
    int percent = -1;
    long deadline = now_ms() + 500;
    if (send_all(fd, ask, sizeof ask - 1))
        for (char *line; percent < 0 && (line = line_read(r, time_left(deadline))); free(line))
            if (!control_bootstrap_parse(line, &percent, summary, size) && control_final_line(line)) {
                free(line);
                break;
            }
    free(r);
    return percent;
}

void tor_wait_bootstrap(unsigned seconds, const char *app)
{
    autofree char *err = NULL;
    autofree char *path = bootstrap_socket(&err);
    if (!path)
        die("--wait-for-tor: %s", err);
    struct progress p = {.percent = -1, .terminal = isatty(STDERR_FILENO)};
    long deadline = now_ms() + (long)seconds * 1000L;
    bool told = false;
    for (;;) {
        autoclose int fd = control_connect_unix(path);
        if (fd < 0 && (errno == ENOENT || errno == ECONNREFUSED) && !told)
            die("--wait-for-tor: cannot ask Tor's progress: nothing answers on %s; start the control port filter "
                "(systemctl enable --now torgate-control-filter)", path);
        if (fd < 0 && errno != ENOENT && errno != ECONNREFUSED)
            die_with_error("--wait-for-tor: cannot ask Tor's progress on %s", path);
        if (fd >= 0 && follow(fd, &p, deadline))
            return;
        if (!told) { /* once: a menu entry's user learns why nothing shows yet */
            told = true;
            if (p.terminal)
                fprintf(stderr, "%s: waiting for Tor to connect, %u s at most\n", program_name, seconds);
            else if (notify_no_terminal())
                notify_user("torgate: waiting for Tor", app);
        }
        if (now_ms() >= deadline)
            break;
        pause_until(deadline, 500);
    }
    if (p.percent < 0)
        die("Tor did not answer in %u s: is tor running? (systemctl status tor; torgate check)", seconds);
    die("Tor has not finished connecting in %u s: it stands at %d%% (%s); see tor's log for why (journalctl -u "
        "tor@default)", seconds, p.percent, p.summary);
}
