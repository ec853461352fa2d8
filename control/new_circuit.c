/* torgate new-circuit: fresh circuits for one sandbox, and for no other.
 *
 * Tor keeps a sandbox's streams on circuits of its own (IsolateClientAddr
 * keys them by the client's address, and every sandbox has one), so the
 * circuits that carried a stream from a sandbox's address carry that
 * sandbox's streams only. Closing them makes tor give the sandbox's next
 * stream a circuit it never used, and leaves every other sandbox's as they
 * are; NEWNYM would end everyone's. Which circuits those are, tor says in
 * its STREAM events (the source of each new stream), which this process
 * follows, on a control connection of its own, from the moment it starts:
 * the service starts with tor.
 *
 * Requests come on a Unix socket (torgate.conf's [control-filter]
 * new-circuit-socket), one a connection: "NEWCIRCUIT A.B.C.D", answered in
 * the control protocol's form. Only the user whose sandbox has that address
 * now (the launcher marked its host link, rtnl.h), or root, is served: an
 * app's circuits closed by someone else would cut its connections. */
#include "control_session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "control_circuits.h"
#include "control_protocol.h"
#include "control_sandboxes.h"
#include "control_upstream.h"
#include "rtnl.h"
#include "util.h"

#define REQUEST_TIMEOUT_MS 500 /* in all, however the client trickles it */
#define CLOSE_ROUNDS 3          /* closing again what was attached meanwhile */
#define RETRY_FIRST_MS 1000
#define RETRY_MAX_MS 30000

struct tracker {
    const struct torgate_config *cfg;
    struct nl_sock *sk;
    struct line_reader tor;
    struct circuit_book book;
    long long retry_at; /* ms, monotonic: when to reach tor again */
    int retry_ms;
    time_t known_since; /* wall clock: every sandbox stream since is in the book */
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void learn(const char *line, void *ctx)
{
    struct tracker *t = ctx;
    circuit_book_event(&t->book, line);
}

/* Streams the book could not keep: it knows all of none but the next. */
static void check_complete(struct tracker *t)
{
    if (!t->book.overflowed)
        return;
    t->book.overflowed = false;
    t->known_since = time(NULL);
    fprintf(stderr, "%s: new-circuit: more streams than the book keeps; it knows those from now on\n", program_name);
}

static void tor_lost(struct tracker *t)
{
    if (t->tor.fd >= 0)
        close(t->tor.fd);
    t->tor.fd = -1;
    circuit_book_clear(&t->book); /* tor's circuits may be gone with it */
    t->retry_ms = t->retry_ms ? (t->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : t->retry_ms * 2) : RETRY_FIRST_MS;
    t->retry_at = now_ms() + t->retry_ms;
}

/* The whole lines tor has sent, into the book. */
static void drain(struct tracker *t)
{
    bool bad = false;
    for (char *line; (line = line_take(&t->tor, &bad));) {
        circuit_book_event(&t->book, line);
        free(line);
    }
    check_complete(t);
    if (bad)
        tor_lost(t);
}

static void reach_tor(struct tracker *t)
{
    if (!control_upstream_open(t->cfg, &t->tor)) {
        tor_lost(t);
        return;
    }
    t->known_since = time(NULL);
    autofree char *ok = control_exchange(&t->tor, "SETEVENTS STREAM CIRC\r\n", learn, t);
    if (!ok || strcmp(ok, "250 OK") != 0) {
        fprintf(stderr, "%s: tor refused STREAM and CIRC events: %s\n", program_name, ok ? ok : "closed");
        tor_lost(t);
        return;
    }
    t->retry_ms = 0;
    fprintf(stderr, "%s: new-circuit: following tor's streams\n", program_name);
    drain(t); /* what came with the reply */
}

static void from_tor(struct tracker *t)
{
    drain(t); /* a full buffer first, or the read below would read nothing */
    if (t->tor.fd >= 0 && !line_fill(&t->tor)) {
        fprintf(stderr, "%s: new-circuit: tor's control connection ended\n", program_name);
        tor_lost(t);
        return;
    }
    drain(t);
}

/* CLOSECIRCUIT for each of the sandbox's circuits, again for those it got
 * meanwhile; the answer to the user, with since when the book knows every
 * stream (streams from before are not known: their circuits stay). */
static char *close_circuits(struct tracker *t, uint32_t address)
{
    size_t closed = 0, n_tried = 0;
    autofree unsigned long *tried = NULL;
    for (int round = 0; round < CLOSE_ROUNDS; round++) {
        size_t n;
        autofree unsigned long *ids = circuit_book_of(&t->book, address, &n);
        bool more = false;
        for (size_t i = 0; i < n; i++) {
            bool done = false;
            for (size_t j = 0; j < n_tried && !done; j++)
                done = tried[j] == ids[i];
            if (done)
                continue;
            more = true;
            tried = xreallocarray(tried, n_tried + 1, sizeof *tried);
            tried[n_tried++] = ids[i];
            char request[40];
            snprintf(request, sizeof request, "CLOSECIRCUIT %lu\r\n", ids[i]);
            autofree char *reply = control_exchange(&t->tor, request, learn, t);
            if (!reply) {
                tor_lost(t);
                return xstrdup("551 Tor's control connection ended");
            }
            closed += strcmp(reply, "250 OK") == 0; /* else closed meanwhile */
        }
        if (!more)
            break;
        drain(t); /* the CLOSED events, and what came after the last reply */
        if (t->tor.fd < 0)
            return xstrdup("551 Tor's control connection ended");
    }
    check_complete(t);
    return xasprintf("250 OK %zu circuit%s closed; streams known since %lld", closed, closed == 1 ? "" : "s",
                     (long long)t->known_since);
}

static char *answer(struct tracker *t, const char *line, unsigned uid)
{
    struct in_addr in;
    if (strncmp(line, "NEWCIRCUIT ", 11) != 0 || inet_pton(AF_INET, line + 11, &in) != 1)
        return xstrdup("510 Unrecognized command: NEWCIRCUIT A.B.C.D (a sandbox's address)");
    uint32_t address = ntohl(in.s_addr);
    unsigned owner;
    if (!sandbox_owner(t->sk, &t->cfg->pool, address, &owner) || (uid != 0 && owner != uid))
        return xasprintf("552 No sandbox of yours has address %s", line + 11);
    if (t->tor.fd < 0)
        return xstrdup("551 Tor's control port is not reachable");
    return close_circuits(t, address);
}

static unsigned peer_uid(int fd)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 ? cred.uid : (unsigned)-1;
}

/* One request, at most REQUEST_TIMEOUT_MS for it to come: the book waits. */
static void serve_one(struct tracker *t, int listen_fd)
{
    autoclose int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    struct timeval tv = {.tv_sec = REQUEST_TIMEOUT_MS / 1000};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    unsigned uid = peer_uid(fd);
    struct line_reader *client = xcalloc(1, sizeof *client);
    client->fd = fd;
    autofree char *line = line_read(client, REQUEST_TIMEOUT_MS);
    free(client);
    if (!line || uid == (unsigned)-1)
        return;
    autofree char *reply = answer(t, line, uid);
    fprintf(stderr, "%s: new-circuit: uid %u: %s\n", program_name, uid, reply);
    (void)(send_all(fd, reply, strlen(reply)) && send_all(fd, "\r\n", 2));
}

void new_circuit_service(const struct torgate_config *cfg, int listen_fd)
{
    /* SIGTERM (the service ending) ends the loop, and the process cleanly */
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, NULL);
    autoclose int sigfd = signalfd(-1, &term, SFD_CLOEXEC);
    if (sigfd < 0)
        die_with_error("signalfd");
    autonetlink struct nl_sock *sk = netlink_open();
    struct tracker t = {.cfg = cfg, .sk = sk, .tor = {.fd = -1}};
    for (;;) {
        int timeout = -1; /* tor's events, a request, or SIGTERM */
        if (t.tor.fd < 0) {
            long long left = t.retry_at - now_ms();
            if (left <= 0) {
                reach_tor(&t);
                continue;
            }
            timeout = (int)left;
        }
        struct pollfd fds[3] = {{.fd = listen_fd, .events = POLLIN},
                                {.fd = t.tor.fd, .events = POLLIN},
                                {.fd = sigfd, .events = POLLIN}};
        if (poll(fds, 3, timeout) < 0 && errno != EINTR)
            die_with_error("poll");
        if (fds[2].revents)
            break;
        if (t.tor.fd >= 0 && fds[1].revents)
            from_tor(&t);
        if (fds[0].revents)
            serve_one(&t, listen_fd);
    }
    if (t.tor.fd >= 0)
        close(t.tor.fd);
    circuit_book_clear(&t.book);
}
