/* Small helpers shared by the network test programs (see netprobe.h). */
#include "netprobe.h"

#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *errname(int e)
{
    static char buf[32];
    const char *n = strerrorname_np(e);
    if (n)
        return n;
    snprintf(buf, sizeof buf, "E%d", e);
    return buf;
}

int parse_port(const char *s, uint16_t *port)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

socklen_t parse_addr(const char *host, const char *port, struct sockaddr_storage *ss)
{
    uint16_t unused;
    if (parse_port(port, &unused))
        return 0;
    char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 4];
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof buf) {
        memcpy(buf, host + 1, n - 2);
        buf[n - 2] = 0;
    } else if (n < sizeof buf) {
        memcpy(buf, host, n + 1);
    } else {
        return 0;
    }
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV, .ai_socktype = SOCK_DGRAM};
    struct addrinfo *res = NULL;
    if (getaddrinfo(buf, port, &hints, &res) || !res)
        return 0;
    socklen_t len = res->ai_addrlen;
    memset(ss, 0, sizeof *ss);
    memcpy(ss, res->ai_addr, len);
    freeaddrinfo(res);
    return len;
}

long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int wait_fd(int fd, short events, long ms)
{
    long deadline = now_ms() + ms;
    for (;;) {
        long left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = {.fd = fd, .events = events};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        return r < 0 ? -1 : r;
    }
}

int connect_within(int fd, const struct sockaddr *sa, socklen_t len, long ms, const char **step)
{
    *step = "connect";
    if (connect(fd, sa, len) == 0)
        return 0;
    if (errno != EINPROGRESS)
        return errno;
    int r = wait_fd(fd, POLLOUT, ms);
    if (r <= 0) {
        *step = "poll";
        return r < 0 ? errno : -1;
    }
    int err = 0;
    socklen_t el = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0) {
        *step = "getsockopt";
        return errno;
    }
    return err;
}

const char *rcode_name(int rc)
{
    static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
    static char buf[16];
    if (rc >= 0 && rc < 6)
        return names[rc];
    snprintf(buf, sizeof buf, "RCODE%d", rc);
    return buf;
}
