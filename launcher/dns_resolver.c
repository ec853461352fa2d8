/* See dns_resolver.h. Blocking on purpose: each query or TCP connection
 * has a process of its own, and a deadline. */
#include "dns_resolver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns_guard.h"

#define HEADER_LEN 12
#define TYPE_A 1
#define TYPE_PTR 12
#define TYPE_AAAA 28
#define TYPE_OPT 41
#define UDP_DEFAULT 512
#define UDP_MOST 4096
#define MESSAGE_MOST 65535

static unsigned get16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

/* Skips the name at *pos (labels, or labels ending in a pointer); with
 * onion, whether its last label is "onion". False if it runs out. */
static bool skip_name(const unsigned char *msg, size_t len, size_t *pos, bool *onion)
{
    size_t last = 0, last_len = 0;
    for (;;) {
        if (*pos >= len)
            return false;
        unsigned label = msg[*pos];
        if ((label & 0xC0) == 0xC0) {
            if (*pos + 2 > len)
                return false;
            *pos += 2;
            break;
        }
        (*pos)++;
        if (label == 0)
            break;
        if (label > 63 || *pos + label > len)
            return false;
        last = *pos, last_len = label;
        *pos += label;
    }
    if (onion)
        *onion = last_len == 5 && strncasecmp((const char *)msg + last, "onion", 5) == 0;
    return true;
}

/* Where the question section ends; 0 if the message is malformed. */
static size_t questions_end(const unsigned char *msg, size_t len)
{
    if (len < HEADER_LEN)
        return 0;
    size_t pos = HEADER_LEN;
    for (unsigned q = get16(msg + 4); q > 0; q--)
        if (!skip_name(msg, len, &pos, NULL) || (pos += 4) > len)
            return 0;
    return pos;
}

bool dns_needs_resolver(const unsigned char *msg, size_t len)
{
    /* One question only: with more, an .onion name could ride along with
     * one for the resolver (Tor's DNSPort answers the first, as before). */
    size_t pos = HEADER_LEN;
    bool onion;
    if (len < HEADER_LEN || get16(msg + 4) != 1 || !skip_name(msg, len, &pos, &onion) || pos + 4 > len)
        return false;
    unsigned type = get16(msg + pos);
    return !onion && type != TYPE_A && type != TYPE_AAAA && type != TYPE_PTR;
}

size_t dns_udp_limit(const unsigned char *msg, size_t len)
{
    size_t pos = questions_end(msg, len);
    if (!pos)
        return UDP_DEFAULT;
    unsigned records = get16(msg + 6) + get16(msg + 8) + get16(msg + 10);
    for (; records > 0; records--) {
        if (!skip_name(msg, len, &pos, NULL) || pos + 10 > len)
            return UDP_DEFAULT;
        unsigned type = get16(msg + pos), size = get16(msg + pos + 2), rdlen = get16(msg + pos + 8);
        if (type == TYPE_OPT)
            return size < UDP_DEFAULT ? UDP_DEFAULT : size > UDP_MOST ? UDP_MOST : size;
        pos += 10 + rdlen;
    }
    return UDP_DEFAULT;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* What is left of deadline, as fd's send and receive timeouts; false once
 * it has passed. */
static bool within(int fd, long long deadline)
{
    long long left = deadline - now_ms();
    if (left <= 0)
        return false;
    struct timeval tv = {(time_t)(left / 1000), (suseconds_t)(left % 1000) * 1000};
    return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0 &&
           setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0;
}

static bool recv_exact(int fd, unsigned char *buf, size_t len, long long deadline)
{
    while (len) {
        if (!within(fd, deadline))
            return false;
        ssize_t n = recv(fd, buf, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n, len -= (size_t)n;
    }
    return true;
}

static bool send_exact(int fd, const unsigned char *buf, size_t len, long long deadline)
{
    while (len) {
        if (!within(fd, deadline))
            return false;
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n, len -= (size_t)n;
    }
    return true;
}

/* SOCKS5, no authentication, CONNECT to the resolver's address: Tor opens
 * the stream from an exit. */
static bool socks_connect(int fd, const struct dns_resolver *r, long long deadline)
{
    unsigned char hello[3 + 10] = {5, 1, 0, 5, 1, 0, 1};
    uint32_t addr = htonl(r->addr);
    uint16_t port = htons(r->port);
    memcpy(hello + 7, &addr, 4);
    memcpy(hello + 11, &port, 2);
    unsigned char method[2], reply[10];
    return send_exact(fd, hello, 3, deadline) && recv_exact(fd, method, 2, deadline) && method[1] == 0 &&
           send_exact(fd, hello + 3, 10, deadline) && recv_exact(fd, reply, sizeof reply, deadline) &&
           reply[1] == 0 && reply[3] == 1;
}

size_t dns_resolver_ask(const struct dns_resolver *r, const unsigned char *query, size_t len, unsigned char *answer,
                        size_t cap)
{
    long long deadline = now_ms() + DNS_RESOLVER_DEADLINE_MS;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in socks = {
        .sin_family = AF_INET, .sin_port = htons(r->socks_port), .sin_addr.s_addr = htonl(r->gateway)};
    unsigned char prefix[2] = {(unsigned char)(len >> 8), (unsigned char)len}, size[2];
    size_t got = 0;
    if (fd >= 0 && len <= MESSAGE_MOST && within(fd, deadline) &&
        connect(fd, (struct sockaddr *)&socks, sizeof socks) == 0 && socks_connect(fd, r, deadline) &&
        send_exact(fd, prefix, 2, deadline) && send_exact(fd, query, len, deadline) &&
        recv_exact(fd, size, 2, deadline) && get16(size) >= HEADER_LEN && get16(size) <= cap &&
        recv_exact(fd, answer, get16(size), deadline))
        got = get16(size);
    if (fd >= 0)
        close(fd);
    return got;
}

/* The answer for a client that takes at most limit: as it is, or its
 * question with TC set (the client asks again over TCP). In place; the
 * length to send. */
static size_t fit(const unsigned char *query, size_t qlen, unsigned char *answer, size_t alen, size_t limit)
{
    if (alen <= limit)
        return alen;
    size_t end = questions_end(query, qlen);
    if (!end || end > limit)
        end = HEADER_LEN;
    unsigned char rcode = answer[3] & 0x0F;
    memcpy(answer, query, end);
    answer[2] = (unsigned char)(0x80 | 0x02 | (query[2] & 0x79)); /* QR, TC, the opcode and RD */
    answer[3] = rcode;
    memset(answer + 6, 0, 6);
    if (end == HEADER_LEN)
        memset(answer + 4, 0, 2);
    return end;
}

void dns_resolver_udp_child(int fd, const struct sockaddr_in *client, const unsigned char *msg, size_t len,
                            const struct dns_resolver *r)
{
    static unsigned char answer[MESSAGE_MOST];
    size_t n = dns_resolver_ask(r, msg, len, answer, sizeof answer);
    if (n < HEADER_LEN || memcmp(answer, msg, 2) != 0) {
        n = dns_error_answer(msg, len, DNS_SERVFAIL, answer) ? HEADER_LEN : 0;
    } else {
        n = fit(msg, len, answer, n, dns_udp_limit(msg, len));
    }
    if (n)
        (void)sendto(fd, answer, n, 0, (const struct sockaddr *)client, sizeof *client);
    _exit(0);
}

/* A question for the DNSPort, asked of the guard over UDP as any other. */
static size_t ask_guard(uint16_t guard_port, const unsigned char *query, size_t len, unsigned char *answer, size_t cap)
{
    long long deadline = now_ms() + DNS_RESOLVER_DEADLINE_MS;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in guard = {
        .sin_family = AF_INET, .sin_port = htons(guard_port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ssize_t n = -1;
    if (fd >= 0 && within(fd, deadline) && connect(fd, (struct sockaddr *)&guard, sizeof guard) == 0 &&
        send(fd, query, len, 0) == (ssize_t)len) {
        do
            n = recv(fd, answer, cap, 0);
        while (n >= 2 && memcmp(answer, query, 2) != 0); /* not ours: a late one */
    }
    if (fd >= 0)
        close(fd);
    return n >= HEADER_LEN ? (size_t)n : 0;
}

void dns_resolver_tcp_child(int conn, const struct dns_resolver *r, uint16_t guard_port)
{
    static unsigned char query[MESSAGE_MOST], answer[2 + MESSAGE_MOST];
    for (;;) {
        long long deadline = now_ms() + DNS_RESOLVER_DEADLINE_MS; /* idle, then each query */
        unsigned char size[2];
        if (!recv_exact(conn, size, 2, deadline) || get16(size) < HEADER_LEN ||
            !recv_exact(conn, query, get16(size), deadline))
            _exit(0);
        size_t len = get16(size), n;
        if (!dns_query_acceptable(query, len))
            n = dns_error_answer(query, len, DNS_FORMERR, answer + 2) ? HEADER_LEN : 0;
        else if (dns_needs_resolver(query, len))
            n = dns_resolver_ask(r, query, len, answer + 2, MESSAGE_MOST);
        else
            n = ask_guard(guard_port, query, len, answer + 2, MESSAGE_MOST);
        if (n < HEADER_LEN)
            n = dns_error_answer(query, len, DNS_SERVFAIL, answer + 2) ? HEADER_LEN : 0;
        answer[0] = (unsigned char)(n >> 8), answer[1] = (unsigned char)n;
        if (!n || !send_exact(conn, answer, 2 + n, now_ms() + DNS_RESOLVER_DEADLINE_MS))
            _exit(0);
    }
}
