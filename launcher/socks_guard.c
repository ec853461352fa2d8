/* See socks_guard.h. One process, one poll loop, a connection per marked
 * socket; nothing blocks. */
#include "socks_guard.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "privileged.h"
#include "socks_handshake.h"
#include "util.h"

#define BUFFER_SIZE 16384
#define LISTEN_BACKLOG 128
#define FILES_KEPT 16 /* of the open files limit, for init's and the guard's own */

/* One way of a connection: what was read and not yet written on. */
struct direction {
    unsigned char data[BUFFER_SIZE];
    size_t start, end;
    bool eof;  /* its reader saw the end */
    bool shut; /* and the end was passed on */
};

struct connection {
    int client;   /* COMMAND's side, accepted */
    int upstream; /* one of the marked sockets, to the SocksPort */
    bool connecting;
    bool checked; /* the handshake passed: the rest is relayed as it is */
    int method;   /* Tor's choice of SOCKS5 method, -1 until it said */
    unsigned char head[SOCKS_HANDSHAKE_MAX]; /* the client's first bytes */
    size_t head_len;
    size_t sent, may_send; /* to Tor so far, and as far as the checks let it */
    unsigned char reply_head[2];
    size_t reply_seen;
    struct direction up;   /* client to Tor */
    struct direction down; /* Tor to client */
};

struct socks_guard {
    int listener;
    bool accept_failed; /* the last accept() failed (no file left): wait for a connection to end */
    size_t count; /* of sockets: as the open files limit allows */
    int sockets[SOCKS_GUARD_SOCKETS];                  /* -1: lost */
    struct connection *connections[SOCKS_GUARD_SOCKETS]; /* by socket: NULL when it is free */
    struct sockaddr_in socks_port;
};

/* As many marked sockets as the open files limit has room for, each with
 * its accepted connection: SOCKS_GUARD_SOCKETS at most, 8 at torgate's
 * least (32 files). */
static size_t capacity(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return SOCKS_GUARD_SOCKETS;
    size_t room = rl.rlim_cur > FILES_KEPT + 2 ? (size_t)(rl.rlim_cur - FILES_KEPT) / 2 : 1;
    return room < SOCKS_GUARD_SOCKETS ? room : SOCKS_GUARD_SOCKETS;
}

struct socks_guard *socks_guard_open(uint32_t gateway, uint16_t socks_port)
{
    struct socks_guard *g = xcalloc(1, sizeof *g);
    g->count = capacity();
    g->socks_port = (struct sockaddr_in){
        .sin_family = AF_INET, .sin_port = htons(socks_port), .sin_addr.s_addr = htonl(gateway)};
    struct sockaddr_in local = {
        .sin_family = AF_INET, .sin_port = htons(SOCKS_GUARD_PORT), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    g->listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (g->listener < 0 || bind(g->listener, (struct sockaddr *)&local, sizeof local) != 0 ||
        listen(g->listener, LISTEN_BACKLOG) != 0)
        die_with_error("cannot set up the sandbox's SOCKS guard on port %u", SOCKS_GUARD_PORT);
    priv_marked_sockets(g->sockets, g->count, SOCKS_GUARD_MARK);
    return g;
}

void socks_guard_close(struct socks_guard *g)
{
    close(g->listener);
    for (size_t i = 0; i < g->count; i++)
        if (g->sockets[i] >= 0)
            close(g->sockets[i]);
    free(g);
}

static void set_nodelay(int fd)
{
    int on = 1; /* a relay adds no wait of its own to what the app sends */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

/* Ends a connection: the client's socket closes (with a reset unless both
 * ways ended in order), the marked socket goes back, unconnected, to the
 * free ones (a reset to Tor if it was still open). */
static void finish(struct socks_guard *g, size_t i, bool orderly)
{
    struct connection *c = g->connections[i];
    if (!orderly) {
        struct linger reset = {1, 0};
        setsockopt(c->client, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    }
    close(c->client);
    struct sockaddr unspecified = {.sa_family = AF_UNSPEC};
    if (connect(g->sockets[i], &unspecified, sizeof unspecified) != 0) {
        close(g->sockets[i]); /* cannot be reused: one fewer at once */
        g->sockets[i] = -1;
    }
    free(c);
    g->connections[i] = NULL;
    g->accept_failed = false;
}

static void accept_connection(struct socks_guard *g, size_t i)
{
    int client = accept4(g->listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0) {
        /* the connection stays queued: polling on would spin */
        g->accept_failed = errno != EAGAIN && errno != EINTR && errno != ECONNABORTED;
        return;
    }
    struct connection *c = calloc(1, sizeof *c);
    if (!c) {
        close(client);
        return;
    }
    *c = (struct connection){.client = client, .upstream = g->sockets[i], .connecting = true, .method = -1};
    g->connections[i] = c;
    set_nodelay(client);
    set_nodelay(c->upstream);
    if (connect(c->upstream, (struct sockaddr *)&g->socks_port, sizeof g->socks_port) != 0 && errno != EINPROGRESS)
        finish(g, i, false); /* as Tor's own refusal would be felt: a reset */
}

/* Reads what fd has into d, the new bytes at its end (*added of them);
 * false on an error (the connection ends). */
static bool fill(int fd, struct direction *d, size_t *added)
{
    *added = 0;
    if (d->start > 0 && d->end == BUFFER_SIZE) { /* what is left of it to the front */
        memmove(d->data, d->data + d->start, d->end - d->start);
        d->end -= d->start;
        d->start = 0;
    }
    if (d->start == d->end)
        d->start = d->end = 0;
    if (d->eof || d->end == BUFFER_SIZE)
        return true;
    ssize_t n = recv(fd, d->data + d->end, BUFFER_SIZE - d->end, 0);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    if (n == 0)
        d->eof = true;
    d->end += (size_t)n;
    *added = (size_t)n;
    return true;
}

/* Writes at most limit of d's bytes to fd (*written of them); false on an
 * error. */
static bool drain(int fd, struct direction *d, size_t limit, size_t *written)
{
    *written = 0;
    size_t len = d->end - d->start < limit ? d->end - d->start : limit;
    if (len == 0)
        return true;
    ssize_t n = send(fd, d->data + d->start, len, MSG_NOSIGNAL);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    d->start += (size_t)n;
    if (d->start == d->end)
        d->start = d->end = 0; /* all of its room again */
    *written = (size_t)n;
    return true;
}

static size_t sendable(const struct connection *c)
{
    size_t held = c->up.end - c->up.start;
    size_t allowed = c->may_send - c->sent;
    return c->connecting ? 0 : held < allowed ? held : allowed;
}

/* The client's new bytes (the last added of c->up) into its head, and the
 * handshake checked again; false when it is refused. */
static bool check(struct connection *c, size_t added)
{
    if (c->checked)
        return true;
    size_t room = sizeof c->head - c->head_len;
    size_t take = added < room ? added : room;
    memcpy(c->head + c->head_len, c->up.data + c->up.end - added, take);
    c->head_len += take;
    size_t safe;
    enum socks_verdict v = socks_handshake_check(c->head, c->head_len, c->method, &safe);
    if (v == SOCKS_REFUSE) {
        unsigned char reply[10];
        size_t len = socks_refusal(c->head, c->head_len, c->method, reply), written;
        /* what Tor already said goes first (its choice of method) */
        if (len && drain(c->client, &c->down, SIZE_MAX, &written) && c->down.start == c->down.end)
            (void)send(c->client, reply, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        return false;
    }
    c->checked = v == SOCKS_ACCEPT;
    c->may_send = c->checked ? SIZE_MAX : safe > c->may_send ? safe : c->may_send;
    return true;
}

/* Tor's first two bytes, in SOCKS5 its choice of method, as they pass. */
static void watch_reply(struct connection *c, size_t start, size_t added)
{
    while (added && c->reply_seen < sizeof c->reply_head) {
        c->reply_head[c->reply_seen++] = c->down.data[start++];
        added--;
    }
    if (c->method < 0 && c->reply_seen == 2 && c->head_len && c->head[0] == 5)
        c->method = c->reply_head[1];
}

/* One connection's turn after poll; false when it is over (orderly in *orderly). */
static bool step(struct connection *c, short client_events, short upstream_events, bool *orderly)
{
    *orderly = false;
    if ((client_events & POLLERR) || (upstream_events & POLLERR))
        return false;
    if (c->connecting && (upstream_events & (POLLOUT | POLLHUP))) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(c->upstream, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err)
            return false;
        c->connecting = false;
    }
    size_t added;
    if (client_events & (POLLIN | POLLHUP)) {
        if (!fill(c->client, &c->up, &added))
            return false;
        if (added && !check(c, added))
            return *orderly = true, false; /* the refusal's reply goes before the end */
    }
    if (!c->connecting && (upstream_events & (POLLIN | POLLHUP))) {
        if (!fill(c->upstream, &c->down, &added))
            return false;
        watch_reply(c, c->down.end - added, added);
        if (c->method >= 0 && !c->checked && !check(c, 0))
            return *orderly = true, false; /* what waited for Tor's choice may not go on */
    }
    size_t written;
    if (!drain(c->upstream, &c->up, sendable(c), &written))
        return false;
    c->sent += written;
    if (!drain(c->client, &c->down, SIZE_MAX, &written))
        return false;
    if (c->up.eof && c->up.start == c->up.end && !c->up.shut) {
        if (!c->checked)
            return false; /* the app left before its request was whole */
        shutdown(c->upstream, SHUT_WR);
        c->up.shut = true;
    }
    if (c->down.eof && c->down.start == c->down.end && !c->down.shut) {
        shutdown(c->client, SHUT_WR);
        c->down.shut = true;
    }
    *orderly = c->up.shut && c->down.shut;
    return !*orderly;
}

static bool has_room(const struct direction *d) { return !d->eof && (d->end < BUFFER_SIZE || d->start > 0); }

static short client_interest(const struct connection *c)
{
    return (short)((has_room(&c->up) ? POLLIN : 0) | (c->down.end > c->down.start ? POLLOUT : 0));
}

static short upstream_interest(const struct connection *c)
{
    if (c->connecting)
        return POLLOUT;
    return (short)((has_room(&c->down) ? POLLIN : 0) | (sendable(c) ? POLLOUT : 0));
}

static ssize_t free_socket(const struct socks_guard *g)
{
    for (size_t i = 0; i < g->count; i++)
        if (g->sockets[i] >= 0 && !g->connections[i])
            return (ssize_t)i;
    return -1;
}

void socks_guard_serve(struct socks_guard *g)
{
    /* Its own process, its own rules: nothing gained by exec, nobody (not
     * even COMMAND, the same user) may look into it. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_DUMPABLE, 0) != 0)
        _exit(EXIT_TORGATE);
    struct pollfd fds[1 + 2 * SOCKS_GUARD_SOCKETS] = {{0}};
    for (;;) {
        ssize_t spare = free_socket(g);
        fds[0] = (struct pollfd){spare >= 0 && !g->accept_failed ? g->listener : -1, POLLIN, 0};
        for (size_t i = 0; i < g->count; i++) {
            const struct connection *c = g->connections[i];
            short client = c ? client_interest(c) : 0, upstream = c ? upstream_interest(c) : 0;
            /* A side asked for nothing is not polled at all: its POLLHUP
             * would wake the loop for ever while the other side waits. */
            fds[1 + 2 * i] = (struct pollfd){client ? c->client : -1, client, 0};
            fds[2 + 2 * i] = (struct pollfd){upstream ? c->upstream : -1, upstream, 0};
        }
        if (poll(fds, 1 + 2 * g->count, -1) < 0)
            continue;
        for (size_t i = 0; i < g->count; i++) {
            struct connection *c = g->connections[i];
            bool orderly;
            if (c && !step(c, fds[1 + 2 * i].revents, fds[2 + 2 * i].revents, &orderly))
                finish(g, i, orderly);
        }
        if (spare >= 0 && (fds[0].revents & POLLIN))
            accept_connection(g, (size_t)spare);
    }
}
