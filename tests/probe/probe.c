/*
 * probe -- try one way out of a sandbox, print one line.
 *
 * Build:  cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 \
 *            -o tests/probe/probe tests/probe/probe.c
 *
 * Output: exactly one line on stdout,
 *     OK <detail>                      exit 0
 *     FAIL <ERRNAME> <step> [detail]   exit 1
 * ERRNAME is the errno name (EPERM, ECONNREFUSED, ENETUNREACH, ...), or
 * TIMEOUT when nothing arrived in time, or BADREPLY. <step> is the call
 * that failed (socket, connect, send, sendto, recv, setsockopt, ...).
 * Usage errors: a message on stderr, exit 2.
 *
 * Subcommands:
 *   tcp ADDR PORT [SEND]    connect (2 s); send SEND (\r \n \t \\ escapes);
 *                           read the first line (2 s):
 *                           "OK recv <line>" or "OK connected" (no data)
 *   ipv6 ADDR PORT [SEND]   same, but only as an AF_INET6 socket
 *   udp ADDR PORT [--expect-reply]
 *                           connected UDP socket, send "probe":
 *                           "OK sent 5" ; with --expect-reply wait 1 s:
 *                           "OK reply <first line>" / "FAIL TIMEOUT recv"
 *                           (ICMP port-unreachable: "FAIL ECONNREFUSED recv")
 *   dns SERVER NAME [PORT]  A query over UDP, 2 s:
 *                           "OK rcode=NOERROR a=1.2.3.4,5.6.7.8"
 *                           "OK rcode=NOERROR a=" (no A records)
 *                           "OK rcode=NXDOMAIN"
 *   icmp ADDR               echo request via a ping socket (SOCK_DGRAM,
 *                           IPPROTO_ICMP[V6]) then a raw socket, 1 s each;
 *                           each result is reply|TIMEOUT|ERRNAME@step:
 *                           "OK dgram=reply raw=EPERM@socket" (OK if any
 *                           reply), else "FAIL <raw's ERRNAME> icmp dgram=..
 *                           raw=.."
 *   raw                     socket(AF_INET, SOCK_RAW, IPPROTO_RAW): "OK socket"
 *   packet                  socket(AF_PACKET, SOCK_RAW, ETH_P_ALL): "OK socket"
 *   bindtodevice IFNAME     SO_BINDTODEVICE on a UDP socket: "OK bound IFNAME"
 *   broadcast PORT          UDP "probe" to 255.255.255.255 with SO_BROADCAST:
 *                           "OK sent 5"
 *   multicast ADDR PORT     UDP "probe" to a v4/v6 group (TTL/hops 1):
 *                           "OK sent 5"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "netprobe.h"

static int ok(const char *fmt, ...)
{
    va_list ap;
    fputs("OK ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    return 0;
}

static int fail(const char *err, const char *step)
{
    printf("FAIL %s %s\n", err, step);
    return 1;
}

static int fail_errno(int e, const char *step) { return fail(errname(e), step); }

static int usage(void)
{
    fputs("usage: probe tcp ADDR PORT [SEND] | ipv6 ADDR PORT [SEND]\n"
          "     | udp ADDR PORT [--expect-reply] | dns SERVER NAME [PORT]\n"
          "     | icmp ADDR | raw | packet | bindtodevice IFNAME\n"
          "     | broadcast PORT | multicast ADDR PORT\n", stderr);
    return 2;
}

static void unescape(const char *in, char *out, size_t outsz)
{
    size_t o = 0;
    for (; *in && o + 1 < outsz; in++) {
        if (*in == '\\' && in[1]) {
            in++;
            switch (*in) {
            case 'n': out[o++] = '\n'; break;
            case 'r': out[o++] = '\r'; break;
            case 't': out[o++] = '\t'; break;
            default: out[o++] = *in; break;
            }
        } else {
            out[o++] = *in;
        }
    }
    out[o] = 0;
}

/* Make received bytes printable on one line. */
static void sanitize(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
            *s = '.';
}

static int do_tcp(int argc, char **argv, int only6)
{
    if (argc < 2 || argc > 3)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(argv[0], argv[1], &ss);
    if (!sl)
        return usage();
    if (only6 && ss.ss_family != AF_INET6)
        return usage();

    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail_errno(errno, "socket");
    const char *step;
    int e = connect_within(fd, (struct sockaddr *)&ss, sl, 2000, &step);
    if (e)
        return e < 0 ? fail("ETIMEDOUT", "connect") : fail_errno(e, step);
    /* back to blocking for the send, bounded by a timeout */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    struct timeval tv = { .tv_sec = 2 };
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

    if (argc == 3) {
        char msg[4096];
        unescape(argv[2], msg, sizeof msg);
        size_t len = strlen(msg), off = 0;
        while (off < len) {
            ssize_t w = send(fd, msg + off, len - off, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                return fail_errno(errno, "send");
            }
            off += (size_t)w;
        }
    }

    char buf[1024];
    size_t got = 0;
    long deadline = now_ms() + 2000;
    while (got < sizeof buf - 1 && !memchr(buf, '\n', got)) {
        int r = wait_fd(fd, POLLIN, deadline - now_ms());
        if (r < 0)
            return fail_errno(errno, "poll");
        if (r == 0)
            break;
        ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (got == 0)
                return fail_errno(errno, "recv");
            break;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got == 0)
        return ok("connected");
    buf[got] = 0;
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = 0;
    size_t l = strlen(buf);
    if (l && buf[l - 1] == '\r')
        buf[l - 1] = 0;
    sanitize(buf);
    return ok("recv %s", buf);
}

/* connected UDP socket to ss; returns fd or -1 (after printing FAIL) */
static int udp_connect(struct sockaddr_storage *ss, socklen_t sl, int *rc)
{
    int fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *rc = fail_errno(errno, "socket");
        return -1;
    }
    if (connect(fd, (struct sockaddr *)ss, sl) < 0) {
        *rc = fail_errno(errno, "connect");
        close(fd);
        return -1;
    }
    return fd;
}

static int do_udp(int argc, char **argv)
{
    int expect = 0;
    char *pos[2];
    int np = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--expect-reply"))
            expect = 1;
        else if (np < 2)
            pos[np++] = argv[i];
        else
            return usage();
    }
    if (np != 2)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(pos[0], pos[1], &ss);
    if (!sl)
        return usage();
    int rc;
    int fd = udp_connect(&ss, sl, &rc);
    if (fd < 0)
        return rc;
    ssize_t w = send(fd, "probe", 5, 0);
    if (w < 0)
        return fail_errno(errno, "send");
    if (!expect)
        return ok("sent %zd", w);
    int r = wait_fd(fd, POLLIN, 1000);
    if (r < 0)
        return fail_errno(errno, "poll");
    if (r == 0)
        return fail("TIMEOUT", "recv");
    char buf[1024];
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    if (n < 0)
        return fail_errno(errno, "recv");
    buf[n] = 0;
    char *nl = strpbrk(buf, "\r\n");
    if (nl)
        *nl = 0;
    sanitize(buf);
    return ok("reply %s", buf);
}

/* skip a (possibly compressed) name; returns new offset or -1 */
static long skip_name(const unsigned char *m, long len, long off)
{
    while (off < len) {
        unsigned c = m[off];
        if (c == 0)
            return off + 1;
        if ((c & 0xC0) == 0xC0)
            return off + 2 <= len ? off + 2 : -1;
        off += c + 1;
    }
    return -1;
}

static int do_dns(int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(argv[0], argc == 3 ? argv[2] : "53", &ss);
    if (!sl)
        return usage();

    unsigned char q[512];
    srand((unsigned)(time(NULL) ^ getpid()));
    uint16_t id = (uint16_t)rand();
    long o = 0;
    q[o++] = id >> 8; q[o++] = id & 0xff;
    q[o++] = 0x01; q[o++] = 0x00;            /* RD */
    q[o++] = 0; q[o++] = 1;                  /* QDCOUNT 1 */
    memset(q + o, 0, 6); o += 6;
    const char *name = argv[1];
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t l = dot ? (size_t)(dot - name) : strlen(name);
        if (l == 0 || l > 63 || o + (long)l + 6 > (long)sizeof q)
            return usage();
        q[o++] = (unsigned char)l;
        memcpy(q + o, name, l);
        o += (long)l;
        name += l;
        if (*name == '.')
            name++;
    }
    q[o++] = 0;
    q[o++] = 0; q[o++] = 1;                  /* A */
    q[o++] = 0; q[o++] = 1;                  /* IN */

    int rc;
    int fd = udp_connect(&ss, sl, &rc);
    if (fd < 0)
        return rc;
    if (send(fd, q, (size_t)o, 0) < 0)
        return fail_errno(errno, "send");
    long deadline = now_ms() + 2000;
    unsigned char m[4096];
    for (;;) {
        int r = wait_fd(fd, POLLIN, deadline - now_ms());
        if (r < 0)
            return fail_errno(errno, "poll");
        if (r == 0)
            return fail("TIMEOUT", "recv");
        ssize_t n = recv(fd, m, sizeof m, 0);
        if (n < 0)
            return fail_errno(errno, "recv");
        if (n < 12 || ((m[0] << 8) | m[1]) != id || !(m[2] & 0x80))
            continue;                        /* not our answer */
        long len = n;
        int rcode = m[3] & 0x0f;
        int qd = (m[4] << 8) | m[5], an = (m[6] << 8) | m[7];
        long off = 12;
        for (int i = 0; i < qd && off >= 0; i++) {
            off = skip_name(m, len, off);
            if (off >= 0)
                off += 4;
        }
        char list[1024] = "";
        size_t ll = 0;
        for (int i = 0; i < an && off >= 0 && off < len; i++) {
            off = skip_name(m, len, off);
            if (off < 0 || off + 10 > len)
                break;
            int type = (m[off] << 8) | m[off + 1];
            int rdlen = (m[off + 8] << 8) | m[off + 9];
            off += 10;
            if (off + rdlen > len)
                break;
            if (type == 1 && rdlen == 4) {
                char a[INET_ADDRSTRLEN];
                inet_ntop(AF_INET, m + off, a, sizeof a);
                ll += (size_t)snprintf(list + ll, sizeof list - ll, "%s%s",
                                       ll ? "," : "", a);
                if (ll >= sizeof list)
                    ll = sizeof list - 1;
            }
            off += rdlen;
        }
        if (rcode == 0)
            return ok("rcode=NOERROR a=%s", list);
        return ok("rcode=%s", rcode_name(rcode));
    }
}

static uint16_t csum(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        s += (uint32_t)(p[len - 1] << 8);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return htons((uint16_t)~s);
}

/* one ICMP echo attempt; writes result text into res; returns 1 on reply */
static int icmp_try(struct sockaddr_storage *ss, socklen_t sl, int type,
                    char *res, size_t rsz, const char **err)
{
    int v6 = ss->ss_family == AF_INET6;
    int proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    int fd = socket(ss->ss_family, type | SOCK_CLOEXEC, proto);
    if (fd < 0) {
        *err = errname(errno);
        snprintf(res, rsz, "%s@socket", *err);
        return 0;
    }
    uint16_t ident = (uint16_t)(getpid() & 0xffff), seq = 1;
    unsigned char pkt[64];
    memset(pkt, 0, sizeof pkt);
    pkt[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
    pkt[4] = ident >> 8; pkt[5] = ident & 0xff;
    pkt[6] = seq >> 8;   pkt[7] = seq & 0xff;
    memcpy(pkt + 8, "torgate-probe", 13);
    size_t plen = 8 + 13;
    if (!v6) {                    /* kernel computes ICMPv6 checksums */
        uint16_t c = csum(pkt, plen);
        memcpy(pkt + 2, &c, 2);
    }
    if (sendto(fd, pkt, plen, 0, (struct sockaddr *)ss, sl) < 0) {
        *err = errname(errno);
        snprintf(res, rsz, "%s@sendto", *err);
        close(fd);
        return 0;
    }
    long deadline = now_ms() + 1000;
    for (;;) {
        int r = wait_fd(fd, POLLIN, deadline - now_ms());
        if (r <= 0) {
            *err = r < 0 ? errname(errno) : "TIMEOUT";
            snprintf(res, rsz, r < 0 ? "%s@poll" : "%s", *err);
            close(fd);
            return 0;
        }
        unsigned char b[2048];
        ssize_t n = recv(fd, b, sizeof b, 0);
        if (n < 0) {
            *err = errname(errno);
            snprintf(res, rsz, "%s@recv", *err);
            close(fd);
            return 0;
        }
        unsigned char *ic = b;
        if (!v6 && type == SOCK_RAW) {   /* raw IPv4 includes the IP header */
            if (n < 20)
                continue;
            size_t hl = (size_t)(b[0] & 0x0f) * 4;
            if ((size_t)n < hl + 8)
                continue;
            ic = b + hl;
            n -= (ssize_t)hl;
        }
        if (n < 8)
            continue;
        int want = v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
        /* ping sockets rewrite the identifier: don't check it there */
        if (ic[0] == want && (type == SOCK_DGRAM ||
                              (((ic[4] << 8) | ic[5]) == ident))) {
            snprintf(res, rsz, "reply");
            close(fd);
            return 1;
        }
    }
}

static int do_icmp(int argc, char **argv)
{
    if (argc != 1)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(argv[0], "0", &ss);
    if (!sl)
        return usage();
    char r1[64], r2[64];
    const char *e1 = NULL, *e2 = NULL;
    int g1 = icmp_try(&ss, sl, SOCK_DGRAM, r1, sizeof r1, &e1);
    int g2 = icmp_try(&ss, sl, SOCK_RAW, r2, sizeof r2, &e2);
    if (g1 || g2)
        return ok("dgram=%s raw=%s", r1, r2);
    printf("FAIL %s icmp dgram=%s raw=%s\n", e2, r1, r2);
    return 1;
}

static int do_socket(int domain, int type, int proto)
{
    int fd = socket(domain, type | SOCK_CLOEXEC, proto);
    if (fd < 0)
        return fail_errno(errno, "socket");
    close(fd);
    return ok("socket");
}

static int do_bindtodevice(int argc, char **argv)
{
    if (argc != 1)
        return usage();
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail_errno(errno, "socket");
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, argv[0],
                   (socklen_t)strlen(argv[0]) + 1) < 0)
        return fail_errno(errno, "setsockopt");
    return ok("bound %s", argv[0]);
}

static int do_broadcast(int argc, char **argv)
{
    if (argc != 1)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr("255.255.255.255", argv[0], &ss);
    if (!sl)
        return usage();
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail_errno(errno, "socket");
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) < 0)
        return fail_errno(errno, "setsockopt");
    ssize_t w = sendto(fd, "probe", 5, 0, (struct sockaddr *)&ss, sl);
    if (w < 0)
        return fail_errno(errno, "sendto");
    return ok("sent %zd", w);
}

static int do_multicast(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(argv[0], argv[1], &ss);
    if (!sl)
        return usage();
    int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail_errno(errno, "socket");
    int one = 1;
    if (ss.ss_family == AF_INET) {
        unsigned char ttl = 1;
        if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) < 0)
            return fail_errno(errno, "setsockopt");
    } else if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &one,
                          sizeof one) < 0) {
        return fail_errno(errno, "setsockopt");
    }
    ssize_t w = sendto(fd, "probe", 5, 0, (struct sockaddr *)&ss, sl);
    if (w < 0)
        return fail_errno(errno, "sendto");
    return ok("sent %zd", w);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2)
        return usage();
    const char *cmd = argv[1];
    int ac = argc - 2;
    char **av = argv + 2;
    if (!strcmp(cmd, "tcp"))
        return do_tcp(ac, av, 0);
    if (!strcmp(cmd, "ipv6"))
        return do_tcp(ac, av, 1);
    if (!strcmp(cmd, "udp"))
        return do_udp(ac, av);
    if (!strcmp(cmd, "dns"))
        return do_dns(ac, av);
    if (!strcmp(cmd, "icmp"))
        return do_icmp(ac, av);
    if (!strcmp(cmd, "raw") && ac == 0)
        return do_socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (!strcmp(cmd, "packet") && ac == 0)
        return do_socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (!strcmp(cmd, "bindtodevice"))
        return do_bindtodevice(ac, av);
    if (!strcmp(cmd, "broadcast"))
        return do_broadcast(ac, av);
    if (!strcmp(cmd, "multicast"))
        return do_multicast(ac, av);
    return usage();
}
