/* See dns_guard.h. */
#include "dns_guard.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "addresses.h"
#include "automap.h"
#include "util.h"

#define HEADER_LEN 12
#define MAX_NAME 253
#define MAX_MESSAGE 4096   /* a query with EDNS is far smaller */
#define MAX_PENDING 256    /* queries at tor at once */
#define PENDING_MS 10000   /* after which a query's answer is no longer awaited */
#define MAX_PER_WAKEUP 64  /* datagrams read in one go, so that neither side starves */

static unsigned get16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

/* One question's name at *pos: uncompressed labels of hostname bytes. */
static bool name_acceptable(const unsigned char *msg, size_t len, size_t *pos)
{
    size_t total = 0;
    for (;;) {
        if (*pos >= len)
            return false;
        unsigned label = msg[(*pos)++];
        if (label == 0)
            return true;
        if (label > 63 || *pos + label > len) /* a pointer (0xC0) or an extended label among them */
            return false;
        total += label + 1;
        if (total > MAX_NAME + 1)
            return false;
        for (unsigned i = 0; i < label; i++)
            if (!hostname_byte(msg[*pos + i]))
                return false;
        *pos += label;
    }
}

bool dns_query_acceptable(const unsigned char *msg, size_t len)
{
    if (len < HEADER_LEN || len > MAX_MESSAGE)
        return false;
    bool query = !(msg[2] & 0x80) && ((msg[2] >> 3) & 0x0F) == 0;
    unsigned questions = get16(msg + 4);
    if (!query || questions == 0 || get16(msg + 6) != 0 || get16(msg + 8) != 0)
        return false;
    size_t pos = HEADER_LEN;
    for (unsigned q = 0; q < questions; q++) {
        if (!name_acceptable(msg, len, &pos) || pos + 4 > len)
            return false;
        pos += 4; /* type and class */
    }
    return true; /* the additional section (EDNS) is not written into events */
}

bool dns_error_answer(const unsigned char *msg, size_t len, unsigned rcode, unsigned char reply[HEADER_LEN])
{
    if (len < HEADER_LEN)
        return false;
    memset(reply, 0, HEADER_LEN);
    memcpy(reply, msg, 2);               /* its ID */
    reply[2] = 0x80 | (msg[2] & 0x79);   /* QR, its opcode and RD */
    reply[3] = (unsigned char)(rcode & 0x0F);
    return true;
}

/* A name anywhere in a message: labels, ended by the root or a pointer. */
static bool skip_any_name(const unsigned char *msg, size_t len, size_t *pos)
{
    for (;;) {
        if (*pos >= len)
            return false;
        unsigned label = msg[*pos];
        if (label == 0) {
            *pos += 1;
            return true;
        }
        if ((label & 0xC0) == 0xC0) {
            *pos += 2;
            return *pos <= len;
        }
        if (label > 63)
            return false;
        *pos += 1 + label;
    }
}

int dns_answer_automapped(const unsigned char *msg, size_t len, uint32_t *addrs, unsigned max)
{
    if (len < HEADER_LEN)
        return -1;
    size_t pos = HEADER_LEN;
    for (unsigned q = get16(msg + 4); q > 0; q--) {
        if (!skip_any_name(msg, len, &pos) || pos + 4 > len)
            return -1;
        pos += 4;
    }
    unsigned records = get16(msg + 6) + get16(msg + 8) + get16(msg + 10), n = 0;
    for (; records > 0; records--) {
        if (!skip_any_name(msg, len, &pos) || pos + 10 > len)
            return -1;
        unsigned type = get16(msg + pos), class = get16(msg + pos + 2), rdlength = get16(msg + pos + 8);
        pos += 10;
        if (pos + rdlength > len)
            return -1;
        if (type == 1 && class == 1 && rdlength == 4) { /* A, IN */
            uint32_t addr = (uint32_t)get16(msg + pos) << 16 | get16(msg + pos + 2);
            if (prefix4_contains(&tor_automap, addr)) {
                if (n == max)
                    return -1;
                addrs[n++] = addr;
            }
        }
        pos += rdlength;
    }
    return (int)n;
}

/* --- the relay ----------------------------------------------------------- */

struct pending {
    bool used;
    int via;            /* the listener the query came by, which answers */
    uint16_t id;        /* ours, on the way to tor */
    uint16_t client_id; /* the client's, given back */
    struct sockaddr_in client;
    long long since;
};

struct dns_guard {
    int island_fd;  /* the gateway's port 53 in the datagram island: COMMAND's queries; or -1 */
    int listen_fd;  /* DNS_GUARD_PORT on the sandbox's 127.0.0.1: its table leads its queries
                     * here where it has no island; the TCP side's children ask here */
    int forward_fd; /* DNS_GUARD_SOURCE_PORT: to the gateway and back */
    int tcp_fd;     /* DNS_GUARD_PORT, TCP: with every type only, else -1 */
    struct automap_client automap; /* to the launcher, which grants automapped addresses */
    struct dns_resolver resolver; /* port 0: A, AAAA and PTR only */
    pid_t children[DNS_RESOLVER_CHILDREN]; /* the resolver's queries and the TCP connections being served */
    struct sockaddr_in gateway;
    struct pending pending[MAX_PENDING];
    unsigned char buf[MAX_MESSAGE + 1];
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int bound_socket(uint32_t addr, uint16_t port)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(addr)};
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0)
        die_with_error("cannot bind the sandbox's DNS guard to port %u", port);
    return fd;
}

static int tcp_listener(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {
        .sin_family = AF_INET, .sin_port = htons(DNS_GUARD_PORT), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 || listen(fd, 16) != 0)
        die_with_error("cannot bind the sandbox's DNS guard to TCP port %u", DNS_GUARD_PORT);
    return fd;
}

struct dns_guard *dns_guard_open(uint32_t gateway, const struct dns_resolver *resolver, int island_fd,
                                 int automap_fd)
{
    struct dns_guard *g = xcalloc(1, sizeof *g);
    g->automap = (struct automap_client){.channel = automap_fd};
    g->resolver = *resolver;
    g->tcp_fd = resolver->port ? tcp_listener() : -1;
    g->island_fd = island_fd;
    g->listen_fd = bound_socket(INADDR_LOOPBACK, DNS_GUARD_PORT);
    g->forward_fd = bound_socket(INADDR_ANY, DNS_GUARD_SOURCE_PORT);
    int on = 1; /* ICMP errors, with the query they answer, on its error queue */
    if (setsockopt(g->forward_fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on) != 0)
        die_with_error("cannot set up the sandbox's DNS guard");
    g->gateway = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(53), .sin_addr.s_addr = htonl(gateway)};
    return g;
}

void dns_guard_close_fds(const struct dns_guard *g)
{
    if (g->island_fd >= 0)
        close(g->island_fd);
    if (g->automap.channel >= 0)
        close(g->automap.channel);
    close(g->listen_fd);
    close(g->forward_fd);
    if (g->tcp_fd >= 0)
        close(g->tcp_fd);
}

void dns_guard_poll_fds(const struct dns_guard *g, struct pollfd fds[DNS_GUARD_POLL_FDS])
{
    fds[0] = (struct pollfd){g->listen_fd, POLLIN, 0};
    fds[1] = (struct pollfd){g->forward_fd, POLLIN, 0};
    fds[2] = (struct pollfd){g->tcp_fd, POLLIN, 0};
    fds[3] = (struct pollfd){g->island_fd, POLLIN, 0};
}

/* A child for one query to the resolver or one TCP connection, holding
 * no file but keep: 0 in it, its PID in the guard, -1 at the limit. */
static pid_t spawn(struct dns_guard *g, int keep)
{
    size_t slot = DNS_RESOLVER_CHILDREN;
    for (size_t i = 0; i < DNS_RESOLVER_CHILDREN && slot == DNS_RESOLVER_CHILDREN; i++)
        if (!g->children[i])
            slot = i;
    if (slot == DNS_RESOLVER_CHILDREN)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        if (!close_all_fds_but(keep, -1))
            _exit(EXIT_TORGATE);
    } else if (pid > 0) {
        g->children[slot] = pid;
    }
    return pid;
}

void dns_guard_child_ended(struct dns_guard *g, pid_t pid)
{
    for (size_t i = 0; i < DNS_RESOLVER_CHILDREN; i++)
        if (g->children[i] == pid)
            g->children[i] = 0;
}

/* A query only the resolver answers: a child asks it and answers the
 * client; SERVFAIL at once when no child can be had. */
static void to_resolver(struct dns_guard *g, int via, const struct sockaddr_in *client, size_t len)
{
    pid_t pid = spawn(g, via);
    if (pid == 0)
        dns_resolver_udp_child(via, client, g->buf, len, &g->resolver);
    unsigned char reply[HEADER_LEN];
    if (pid < 0 && dns_error_answer(g->buf, len, DNS_SERVFAIL, reply))
        (void)sendto(via, reply, sizeof reply, MSG_DONTWAIT, (const struct sockaddr *)client, sizeof *client);
}

static void tcp_connection(struct dns_guard *g)
{
    int conn = accept4(g->tcp_fd, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0)
        return;
    if (spawn(g, conn) == 0)
        dns_resolver_tcp_child(conn, &g->resolver, DNS_GUARD_PORT);
    close(conn); /* the child's now, or refused */
}

static struct pending *find_pending(struct dns_guard *g, unsigned id)
{
    for (size_t i = 0; i < MAX_PENDING; i++)
        if (g->pending[i].used && g->pending[i].id == id)
            return &g->pending[i];
    return NULL;
}

/* A free entry (the oldest if none is, or one whose answer is overdue)
 * with an ID of ours that no other entry has. */
static struct pending *new_pending(struct dns_guard *g)
{
    long long now = now_ms();
    struct pending *slot = NULL;
    for (size_t i = 0; i < MAX_PENDING; i++) {
        struct pending *p = &g->pending[i];
        if (p->used && now - p->since > PENDING_MS)
            p->used = false;
        if (!p->used)
            slot = slot ? slot : p;
        else if (!slot || (slot->used && p->since < slot->since))
            slot = p;
    }
    slot->used = false;
    uint16_t id;
    if (getrandom(&id, sizeof id, 0) != (ssize_t)sizeof id)
        id = (uint16_t)now;
    while (find_pending(g, id)) /* at most MAX_PENDING others */
        id++;
    *slot = (struct pending){.used = true, .id = id, .since = now};
    return slot;
}

/* Queries that came by the listener via. */
static void from_sandbox(struct dns_guard *g, int via)
{
    for (int n = 0; n < MAX_PER_WAKEUP; n++) {
        struct sockaddr_in client;
        socklen_t clen = sizeof client;
        ssize_t len = recvfrom(via, g->buf, sizeof g->buf, 0, (struct sockaddr *)&client, &clen);
        if (len < 0)
            return;
        if (!dns_query_acceptable(g->buf, (size_t)len)) {
            unsigned char reply[HEADER_LEN];
            if (dns_error_answer(g->buf, (size_t)len, DNS_FORMERR, reply))
                (void)sendto(via, reply, sizeof reply, MSG_DONTWAIT, (struct sockaddr *)&client, clen);
            continue;
        }
        if (g->resolver.port && dns_needs_resolver(g->buf, (size_t)len)) {
            to_resolver(g, via, &client, (size_t)len);
            continue;
        }
        struct pending *p = new_pending(g);
        p->via = via;
        p->client_id = (uint16_t)get16(g->buf);
        p->client = client;
        g->buf[0] = (unsigned char)(p->id >> 8);
        g->buf[1] = (unsigned char)p->id;
        if (sendto(g->forward_fd, g->buf, (size_t)len, MSG_DONTWAIT, (struct sockaddr *)&g->gateway,
                   sizeof g->gateway) < 0)
            p->used = false;
    }
}

/* An answer to the client of p, under its own ID; p is done with. */
static void answer_client(struct pending *p, unsigned char *msg, size_t len)
{
    msg[0] = (unsigned char)(p->client_id >> 8);
    msg[1] = (unsigned char)p->client_id;
    (void)sendto(p->via, msg, len, MSG_DONTWAIT, (struct sockaddr *)&p->client, sizeof p->client);
    p->used = false;
}

static void from_tor(struct dns_guard *g)
{
    for (int n = 0; n < MAX_PER_WAKEUP; n++) {
        struct sockaddr_in from;
        socklen_t flen = sizeof from;
        ssize_t len = recvfrom(g->forward_fd, g->buf, sizeof g->buf, 0, (struct sockaddr *)&from, &flen);
        if (len < 0)
            return;
        if (len < HEADER_LEN || from.sin_addr.s_addr != g->gateway.sin_addr.s_addr ||
            from.sin_port != g->gateway.sin_port)
            continue;
        struct pending *p = find_pending(g, get16(g->buf));
        if (!p)
            continue;
        /* An automapped address reaches COMMAND only once its sandbox may
         * connect to it (automap.h); else, or unreadable, SERVFAIL. */
        uint32_t automapped[AUTOMAP_GRANT_MAX];
        int mapped = dns_answer_automapped(g->buf, (size_t)len, automapped, AUTOMAP_GRANT_MAX);
        unsigned char reply[HEADER_LEN];
        if (mapped != 0 && !(mapped > 0 && automap_ask(&g->automap, automapped, (unsigned)mapped))) {
            if (dns_error_answer(g->buf, (size_t)len, DNS_SERVFAIL, reply))
                answer_client(p, reply, sizeof reply);
            continue;
        }
        answer_client(p, g->buf, (size_t)len);
    }
}

/* Queries that met an ICMP error (nothing listens: tor is not running):
 * the client hears REFUSED at once rather than waiting for its timeout. */
static void unreachable(struct dns_guard *g)
{
    for (int n = 0; n < MAX_PER_WAKEUP; n++) {
        char control[512];
        struct iovec iov = {g->buf, sizeof g->buf};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                             .msg_controllen = sizeof control};
        ssize_t len = recvmsg(g->forward_fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
        if (len < 0)
            return;
        struct pending *p = len >= HEADER_LEN ? find_pending(g, get16(g->buf)) : NULL;
        unsigned char reply[HEADER_LEN];
        if (!p || !dns_error_answer(g->buf, (size_t)len, DNS_REFUSED, reply))
            continue;
        answer_client(p, reply, sizeof reply);
    }
}

void dns_guard_serve(struct dns_guard *g, const struct pollfd fds[DNS_GUARD_POLL_FDS])
{
    if (fds[2].revents & POLLIN)
        tcp_connection(g);
    if (fds[3].revents & POLLIN)
        from_sandbox(g, g->island_fd);
    if (fds[0].revents & POLLIN)
        from_sandbox(g, g->listen_fd);
    if (fds[1].revents & POLLERR)
        unreachable(g);
    if (fds[1].revents & POLLIN)
        from_tor(g);
}
