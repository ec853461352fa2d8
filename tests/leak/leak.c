/*
 * leak -- one adversarial attempt to get out of a torgate sandbox.
 *
 * Build:  cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 \
 *            -o leak tests/leak/leak.c
 *
 * Usage:  leak ATTEMPT [ARGS]
 * Output: exactly one line on stdout, "ATTEMPT RESULT":
 *     ATTEMPT ok[ DETAIL]                 exit 0: the way out worked as far as
 *                                         this process can tell
 *     ATTEMPT blocked:ERRNAME@step        exit 1
 * ERRNAME is an errno name (EPERM, EAFNOSUPPORT...) or TIMEOUT. An attempt
 * that tries several ways (icmp, netlink-other, setns-proc) is blocked only
 * if every way failed; when they failed alike the result is one ERR@step,
 * else a comma-separated list ERR@way-step. Usage errors: stderr, exit 2.
 * Every attempt is bounded by a 10 s alarm ("blocked:TIMEOUT@<step>").
 *
 * Attempts (addresses are numeric; IPv6 may carry %IFNAME):
 *   udp ADDR PORT            sendto on an unconnected UDP socket
 *   udp-connect ADDR PORT    connect, then send
 *   udp-sendmsg ADDR PORT    sendmsg with msg_name
 *   udp-sendmmsg ADDR PORT   sendmmsg (2 messages) with msg_name
 *   broadcast PORT           SO_BROADCAST, sendto 255.255.255.255
 *   multicast GROUP PORT     IP_MULTICAST_TTL 1, sendto GROUP
 *   dns SERVER NAME          A query (sendto), 2 s for an answer: ok only if
 *                            an answer with our id arrives ("ok rcode=...")
 *   icmp ADDR                echo request via a ping socket, then a raw
 *                            socket: ok if either could send
 *   raw | raw6 | packet      socket(AF_INET|AF_INET6, SOCK_RAW, IPPROTO_RAW),
 *                            socket(AF_PACKET, SOCK_RAW, ETH_P_ALL)
 *   ipv6 ADDR PORT           TCP connect (2 s) over AF_INET6
 *   tcp ADDR PORT            TCP connect (2 s), send an HTTP/1.0 request,
 *                            "ok <first line received>" (or "ok" if none)
 *   abstract NAME            connect to the abstract UNIX socket "\0NAME"
 *   netlink-route            NETLINK_ROUTE socket, RTM_NEWADDR 10.99.0.1/32
 *                            on lo: ok only if the kernel acked it
 *   netlink-other            NETLINK_SOCK_DIAG, NETLINK_NETFILTER,
 *                            NETLINK_KOBJECT_UEVENT sockets: ok if any
 *   bindtodevice IFNAME      SO_BINDTODEVICE on a UDP socket
 *   transparent              IP_TRANSPARENT on a TCP socket
 *   io-uring-connect ADDR PORT   io_uring_setup + IORING_OP_CONNECT (raw
 *                            syscalls, no liburing)
 *   setns-proc               setns() on every /proc/PID/ns/{net,mnt} it can
 *                            open; /proc/PID/root and /proc/PID/root/.. that
 *                            lead to another root count as an escape too
 *   unshare-net              unshare(CLONE_NEWUSER|CLONE_NEWNET)
 *   vsock | bluetooth | key  AF_VSOCK, AF_BLUETOOTH (L2CAP), AF_KEY sockets
 *   sctp | dccp             AF_INET SCTP and DCCP sockets (protocols the supervisor does not see)
 *   int80 ADDR PORT          the i386 ABI from this 64-bit process: int 0x80
 *                            socketcall(SYS_SOCKET) for AF_INET6 and a UDP
 *                            socket + socketcall(SYS_SENDTO) to ADDR PORT
 *   x32                      the x32 ABI: syscall(__X32_SYSCALL_BIT|socket)
 *                            for an AF_INET6 socket
 *   peer-pidfd PATH ADDR PORT   connect to the UNIX socket PATH, ask for a
 *                            pidfd of the process on the other end
 *                            (SO_PEERPIDFD, else SO_PASSPIDFD + SCM_PIDFD),
 *                            copy its IPv4 datagram sockets (pidfd_getfd) and
 *                            send "leak" to ADDR PORT on each: "ok fd=N" if a
 *                            send on a copy worked
 *   pidfd-getfd              pidfd_getfd() on a child of our own
 *   high-bits                the filter's int arguments with bit 32 set
 *                            (ICMP, SCTP, DCCP protocols; SO_BINDTODEVICE
 *                            as option and as level; IP_TRANSPARENT;
 *                            SO_PEERPIDFD): ok if any call succeeded
 *   thread-files ADDR PORT   a thread with a descriptor table of its own
 *                            (unshare(CLONE_FILES), close_range(...,
 *                            CLOSE_RANGE_UNSHARE), clone(CLONE_THREAD)
 *                            without CLONE_FILES) puts a UDP socket at a
 *                            number the leader has a pipe at and sends to
 *                            ADDR PORT: ok if any send worked
 *   nondumpable ADDR PORT [udp]  prctl(PR_SET_DUMPABLE, 0), then a TCP
 *                            connect to ADDR PORT ("ok connected"), or with
 *                            udp a datagram sent there ("ok sent")
 *   proc-vm PID              process_vm_readv() of PID (a host process)
 *   tiocsti                  TIOCSTI on standard input: a character pushed
 *                            into the terminal, for the shell to read later
 *   udplite                  socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE)
 *   udp-sockets N            N IPv4 UDP sockets (flags none, SOCK_NONBLOCK,
 *                            SOCK_CLOEXEC, both, in turn) while a child
 *                            sends SIGUSR1 to PID 1 (the sandbox's init,
 *                            which relays it here, ignored) without pause:
 *                            "ok N" if each call gave a UDP socket with the
 *                            flags asked for, else blocked:ERR@call-K (BAD:
 *                            a descriptor that is not that socket)
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/io_uring.h>
#include <linux/netlink.h>
#include <linux/pfkeyv2.h>
#include <linux/rtnetlink.h>
#include <linux/vm_sockets.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "linux_compat.h"
#include "netprobe.h"

#ifndef IPPROTO_ICMP
#define IPPROTO_ICMP 1
#endif
#define LEAK_BTPROTO_L2CAP 0
#ifndef NETLINK_SOCK_DIAG
#define NETLINK_SOCK_DIAG 4
#endif

static const char *attempt = "?";
static const char *volatile cur_step = "start";

static int ok(const char *detail)
{
    if (detail && *detail)
        printf("%s ok %s\n", attempt, detail);
    else
        printf("%s ok\n", attempt);
    return 0;
}

static int blocked(const char *err, const char *step)
{
    printf("%s blocked:%s@%s\n", attempt, err, step);
    return 1;
}

static int blocked_errno(int e, const char *step) { return blocked(errname(e), step); }

static void on_alarm(int sig)
{
    (void)sig;
    const char *parts[] = { attempt, " blocked:TIMEOUT@", cur_step, "\n" };
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        ssize_t r = write(STDOUT_FILENO, parts[i], strlen(parts[i]));
        (void)r;
    }
    _exit(1);
}

static int usage(void)
{
    fputs("usage: leak ATTEMPT [ARGS]  (see the comment at the top of leak.c)\n", stderr);
    return 2;
}

/* ---------------------------------------------------------------- helpers */

/* Several ways tried in one attempt: remember how each failed. */
struct tries {
    int n, any_ok;
    char okd[256];
    char list[512];          /* ERR@way-step,... */
    char first[96];          /* ERR@step of the first failure */
    int same;                /* all failures alike (errno and step) */
};

static void tries_ok(struct tries *t, const char *way)
{
    size_t l = strlen(t->okd);
    snprintf(t->okd + l, sizeof t->okd - l, "%s%s", l ? "," : "", way);
    t->any_ok = 1;
}

static void tries_fail(struct tries *t, const char *way, int e, const char *step)
{
    char one[96];
    snprintf(one, sizeof one, "%s@%s", errname(e), step);
    size_t l = strlen(t->list);
    snprintf(t->list + l, sizeof t->list - l, "%s%s@%s-%s", l ? "," : "", errname(e), way, step);
    if (t->n == 0) {
        snprintf(t->first, sizeof t->first, "%s", one);
        t->same = 1;
    } else if (strcmp(t->first, one)) {
        t->same = 0;
    }
    t->n++;
}

static int tries_result(struct tries *t)
{
    if (t->any_ok)
        return ok(t->okd);
    if (t->n == 0)
        return blocked("ENOENT", "nothing-to-try");
    if (t->same) {
        printf("%s blocked:%s\n", attempt, t->first);
        return 1;
    }
    printf("%s blocked:%s\n", attempt, t->list);
    return 1;
}

static void one_line(char *s)
{
    char *nl = strpbrk(s, "\r\n");
    if (nl)
        *nl = 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
            *s = '.';
}

static const char payload[] = "leak";

/* ---------------------------------------------------------------------- UDP */

static int do_udp(int argc, char **argv, int how)
{
    if (argc != 2)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(argv[0], argv[1], &ss);
    if (!sl)
        return usage();
    cur_step = "socket";
    int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return blocked_errno(errno, "socket");
    struct iovec iov = { .iov_base = (void *)payload, .iov_len = sizeof payload - 1 };
    switch (how) {
    case 0:
        cur_step = "sendto";
        if (sendto(fd, payload, sizeof payload - 1, 0, (struct sockaddr *)&ss, sl) < 0)
            return blocked_errno(errno, "sendto");
        break;
    case 1:
        cur_step = "connect";
        if (connect(fd, (struct sockaddr *)&ss, sl) < 0)
            return blocked_errno(errno, "connect");
        cur_step = "send";
        if (send(fd, payload, sizeof payload - 1, 0) < 0)
            return blocked_errno(errno, "send");
        break;
    case 2: {
        struct msghdr mh = { .msg_name = &ss, .msg_namelen = sl, .msg_iov = &iov, .msg_iovlen = 1 };
        cur_step = "sendmsg";
        if (sendmsg(fd, &mh, 0) < 0)
            return blocked_errno(errno, "sendmsg");
        break;
    }
    default: {
        struct mmsghdr mm[2];
        memset(mm, 0, sizeof mm);
        for (int i = 0; i < 2; i++) {
            mm[i].msg_hdr.msg_name = &ss;
            mm[i].msg_hdr.msg_namelen = sl;
            mm[i].msg_hdr.msg_iov = &iov;
            mm[i].msg_hdr.msg_iovlen = 1;
        }
        cur_step = "sendmmsg";
        int r = sendmmsg(fd, mm, 2, 0);
        if (r < 0)
            return blocked_errno(errno, "sendmmsg");
        if (r == 0)
            return blocked("ENODATA", "sendmmsg");
        break;
    }
    }
    close(fd);
    return ok(NULL);
}

static int do_broadcast(int argc, char **argv)
{
    if (argc != 1)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr("255.255.255.255", argv[0], &ss);
    if (!sl)
        return usage();
    cur_step = "socket";
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return blocked_errno(errno, "socket");
    int on = 1;
    cur_step = "setsockopt";
    if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) < 0)
        return blocked_errno(errno, "setsockopt");
    cur_step = "sendto";
    if (sendto(fd, payload, sizeof payload - 1, 0, (struct sockaddr *)&ss, sl) < 0)
        return blocked_errno(errno, "sendto");
    close(fd);
    return ok(NULL);
}

static int do_multicast(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(argv[0], argv[1], &ss);
    if (!sl)
        return usage();
    cur_step = "socket";
    int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return blocked_errno(errno, "socket");
    int one = 1;
    cur_step = "setsockopt";
    int r = ss.ss_family == AF_INET
                ? setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &one, sizeof one)
                : setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &one, sizeof one);
    if (r < 0)
        return blocked_errno(errno, "setsockopt");
    cur_step = "sendto";
    if (sendto(fd, payload, sizeof payload - 1, 0, (struct sockaddr *)&ss, sl) < 0)
        return blocked_errno(errno, "sendto");
    close(fd);
    return ok(NULL);
}

static int do_dns(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(argv[0], "53", &ss);
    if (!sl)
        return usage();
    unsigned char q[512];
    uint16_t id = (uint16_t)(now_ms() ^ getpid());
    size_t o = 0;
    q[o++] = id >> 8;
    q[o++] = id & 0xff;
    q[o++] = 0x01; q[o++] = 0x00;            /* RD */
    q[o++] = 0; q[o++] = 1;                  /* QDCOUNT 1 */
    memset(q + o, 0, 6);
    o += 6;
    for (const char *name = argv[1]; *name;) {
        const char *dot = strchr(name, '.');
        size_t l = dot ? (size_t)(dot - name) : strlen(name);
        if (l == 0 || l > 63 || o + l + 6 > sizeof q)
            return usage();
        q[o++] = (unsigned char)l;
        memcpy(q + o, name, l);
        o += l;
        name += l;
        if (*name == '.')
            name++;
    }
    q[o++] = 0;
    q[o++] = 0; q[o++] = 1;                  /* A */
    q[o++] = 0; q[o++] = 1;                  /* IN */

    cur_step = "socket";
    int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return blocked_errno(errno, "socket");
    cur_step = "sendto";
    if (sendto(fd, q, o, 0, (struct sockaddr *)&ss, sl) < 0)
        return blocked_errno(errno, "sendto");
    cur_step = "recv";
    long deadline = now_ms() + 2000;
    for (;;) {
        long left = deadline - now_ms();
        int r = left > 0 ? wait_fd(fd, POLLIN, left) : 0;
        if (r < 0)
            return blocked_errno(errno, "poll");
        if (r == 0)
            return blocked("TIMEOUT", "recv");
        unsigned char a[1500];
        ssize_t n = recv(fd, a, sizeof a, 0);
        if (n < 0)
            return blocked_errno(errno, "recv");
        if (n < 12 || a[0] != (id >> 8) || a[1] != (id & 0xff) || !(a[2] & 0x80))
            continue;
        char d[32];
        snprintf(d, sizeof d, "rcode=%s", rcode_name(a[3] & 0x0f));
        return ok(d);
    }
}

/* --------------------------------------------------------------------- ICMP */

static int do_icmp(int argc, char **argv)
{
    if (argc != 1)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(argv[0], "0", &ss);
    if (!sl || ss.ss_family != AF_INET)
        return usage();
    struct icmphdr h = { .type = ICMP_ECHO };
    h.un.echo.id = htons((uint16_t)getpid());
    h.un.echo.sequence = htons(1);
    /* checksum (needed on the raw socket; the ping socket fills it in) */
    uint32_t sum = 0;
    const uint16_t *w = (const uint16_t *)&h;
    for (size_t i = 0; i < sizeof h / 2; i++)
        sum += w[i];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    struct tries t = { 0 };
    static const struct { const char *way; int type; } ways[] = {
        { "ping", SOCK_DGRAM }, { "raw", SOCK_RAW } };
    for (size_t i = 0; i < 2; i++) {
        cur_step = "socket";
        int fd = socket(AF_INET, ways[i].type | SOCK_CLOEXEC, IPPROTO_ICMP);
        if (fd < 0) {
            tries_fail(&t, ways[i].way, errno, "socket");
            continue;
        }
        struct icmphdr hh = h;
        if (ways[i].type == SOCK_RAW)
            hh.checksum = (uint16_t)~sum;
        cur_step = "sendto";
        if (sendto(fd, &hh, sizeof hh, 0, (struct sockaddr *)&ss, sl) < 0)
            tries_fail(&t, ways[i].way, errno, "sendto");
        else
            tries_ok(&t, ways[i].way);
        close(fd);
    }
    return tries_result(&t);
}

static int do_socket_only(int family, int type, int proto)
{
    cur_step = "socket";
    int fd = socket(family, type | SOCK_CLOEXEC, proto);
    if (fd < 0)
        return blocked_errno(errno, "socket");
    close(fd);
    return ok(NULL);
}

/* Whether fd is an IPv4 UDP socket with O_NONBLOCK and FD_CLOEXEC as
 * flags (SOCK_NONBLOCK, SOCK_CLOEXEC) ask. */
static int is_udp_socket_as_asked(int fd, int flags)
{
    int domain = 0, type = 0, proto = 0;
    socklen_t l1 = sizeof domain, l2 = sizeof type, l3 = sizeof proto;
    int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);
    return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &l1) == 0 &&
           getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l2) == 0 &&
           getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l3) == 0 && domain == AF_INET &&
           type == SOCK_DGRAM && proto == IPPROTO_UDP && fl >= 0 && fdfl >= 0 &&
           !(fl & O_NONBLOCK) == !(flags & SOCK_NONBLOCK) && !(fdfl & FD_CLOEXEC) == !(flags & SOCK_CLOEXEC);
}

static int do_udp_sockets(int argc, char **argv)
{
    if (argc != 1)
        return usage();
    long n = strtol(argv[0], NULL, 10);
    static const int flags[] = {0, SOCK_NONBLOCK, SOCK_CLOEXEC, SOCK_NONBLOCK | SOCK_CLOEXEC};
    signal(SIGUSR1, SIG_IGN);
    pid_t flood = fork();
    if (flood == 0) {
        while (kill(1, SIGUSR1) == 0)
            ;
        _exit(0);
    }
    int result = -1;
    static char where[32];
    for (long i = 0; i < n && result < 0; i++) {
        int fd = socket(AF_INET, SOCK_DGRAM | flags[i % 4], 0);
        snprintf(where, sizeof where, "call-%ld", i);
        if (fd < 0)
            result = blocked_errno(errno, where);
        else if (!is_udp_socket_as_asked(fd, flags[i % 4]))
            result = blocked("BAD", where);
        if (fd > 2)
            close(fd);
    }
    if (flood > 0) {
        kill(flood, SIGKILL);
        waitpid(flood, NULL, 0);
    }
    if (flood < 0)
        return blocked_errno(errno, "fork");
    if (result >= 0)
        return result;
    char detail[32];
    snprintf(detail, sizeof detail, "%ld", n);
    return ok(detail);
}

/* ---------------------------------------------------------------------- TCP */

static int do_tcp(int argc, char **argv, int only6)
{
    if (argc != 2)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(argv[0], argv[1], &ss);
    if (!sl || (only6 && ss.ss_family != AF_INET6))
        return usage();
    cur_step = "socket";
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return blocked_errno(errno, "socket");
    cur_step = "connect";
    const char *step;
    int e = connect_within(fd, (struct sockaddr *)&ss, sl, 2000, &step);
    if (e)
        return e < 0 ? blocked("TIMEOUT", "connect") : blocked_errno(e, step);
    if (only6) {
        close(fd);
        return ok("connected");
    }
    /* connected: that is the result; what comes back is detail */
    static const char req[] = "GET / HTTP/1.0\r\nHost: leak\r\n\r\n";
    cur_step = "send";
    if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) < 0) {
        close(fd);
        return ok(NULL);
    }
    char buf[1024];
    size_t got = 0;
    long deadline = now_ms() + 2000;
    cur_step = "recv";
    while (got < sizeof buf - 1 && !memchr(buf, '\n', got)) {
        long left = deadline - now_ms();
        if (left <= 0 || wait_fd(fd, POLLIN, left) <= 0)
            break;
        ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    buf[got] = 0;
    one_line(buf);
    return ok(buf);
}

static int do_abstract(int argc, char **argv)
{
    if (argc != 1)
        return usage();
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    size_t n = strlen(argv[0]);
    if (n == 0 || n + 1 > sizeof un.sun_path)
        return usage();
    memcpy(un.sun_path + 1, argv[0], n);
    socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
    cur_step = "socket";
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return blocked_errno(errno, "socket");
    cur_step = "connect";
    if (connect(fd, (struct sockaddr *)&un, sl) < 0)
        return blocked_errno(errno, "connect");
    close(fd);
    return ok(NULL);
}

/* ------------------------------------------------------------------ netlink */

static int do_netlink_route(void)
{
    cur_step = "socket";
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return blocked_errno(errno, "socket");
    struct {
        struct nlmsghdr nh;
        struct ifaddrmsg ifa;
        char attrs[64];
    } req;
    memset(&req, 0, sizeof req);
    req.nh.nlmsg_type = RTM_NEWADDR;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    req.nh.nlmsg_seq = 1;
    req.ifa.ifa_family = AF_INET;
    req.ifa.ifa_prefixlen = 32;
    req.ifa.ifa_index = if_nametoindex("lo");
    if (!req.ifa.ifa_index)
        req.ifa.ifa_index = 1;
    size_t len = NLMSG_LENGTH(sizeof req.ifa);
    static const int types[] = { IFA_LOCAL, IFA_ADDRESS };
    struct in_addr a;
    inet_pton(AF_INET, "10.99.0.1", &a);
    for (size_t i = 0; i < 2; i++) {
        struct rtattr *rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(len));
        rta->rta_type = (unsigned short)types[i];
        rta->rta_len = RTA_LENGTH(sizeof a);
        memcpy(RTA_DATA(rta), &a, sizeof a);
        len = NLMSG_ALIGN(len) + RTA_ALIGN(rta->rta_len);
    }
    req.nh.nlmsg_len = (uint32_t)len;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    cur_step = "sendto";
    if (sendto(fd, &req, len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
        return blocked_errno(errno, "sendto");
    cur_step = "recv";
    int r = wait_fd(fd, POLLIN, 2000);
    if (r < 0)
        return blocked_errno(errno, "poll");
    if (r == 0)
        return blocked("TIMEOUT", "recv");
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0)
        return blocked_errno(errno, "recv");
    struct nlmsghdr *nh = (struct nlmsghdr *)buf;
    if (!NLMSG_OK(nh, (size_t)n) || nh->nlmsg_type != NLMSG_ERROR)
        return blocked("EPROTO", "RTM_NEWADDR");
    struct nlmsgerr *e = NLMSG_DATA(nh);
    if (e->error)
        return blocked_errno(-e->error, "RTM_NEWADDR");
    close(fd);
    return ok("added 10.99.0.1/32 to lo");
}

static int do_netlink_other(void)
{
    static const struct { const char *way; int proto; } ways[] = {
        { "sock_diag", NETLINK_SOCK_DIAG },
        { "netfilter", NETLINK_NETFILTER },
        { "kobject_uevent", NETLINK_KOBJECT_UEVENT },
    };
    struct tries t = { 0 };
    cur_step = "socket";
    for (size_t i = 0; i < sizeof ways / sizeof *ways; i++) {
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, ways[i].proto);
        if (fd < 0) {
            tries_fail(&t, ways[i].way, errno, "socket");
        } else {
            tries_ok(&t, ways[i].way);
            close(fd);
        }
    }
    return tries_result(&t);
}

/* ------------------------------------------------------------ socket options */

static int do_bindtodevice(int argc, char **argv)
{
    if (argc != 1)
        return usage();
    cur_step = "socket";
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return blocked_errno(errno, "socket");
    cur_step = "setsockopt";
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, argv[0], (socklen_t)strlen(argv[0]) + 1) < 0)
        return blocked_errno(errno, "setsockopt");
    close(fd);
    return ok(argv[0]);
}

static int do_transparent(void)
{
    cur_step = "socket";
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return blocked_errno(errno, "socket");
    int on = 1;
    cur_step = "setsockopt";
    if (setsockopt(fd, IPPROTO_IP, IP_TRANSPARENT, &on, sizeof on) < 0)
        return blocked_errno(errno, "setsockopt");
    close(fd);
    return ok(NULL);
}

/* ----------------------------------------------------------------- io_uring */

static int do_io_uring_connect(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(argv[0], argv[1], &ss);
    if (!sl)
        return usage();
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    cur_step = "io_uring_setup";
    int ring = (int)syscall(__NR_io_uring_setup, 4, &p);
    if (ring < 0)
        return blocked_errno(errno, "io_uring_setup");
    size_t sq_sz = p.sq_off.array + p.sq_entries * sizeof(uint32_t);
    size_t cq_sz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    if ((p.features & IORING_FEAT_SINGLE_MMAP) && cq_sz > sq_sz)
        sq_sz = cq_sz;
    cur_step = "mmap";
    char *sq = mmap(NULL, sq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
    if (sq == MAP_FAILED)
        return blocked_errno(errno, "mmap");
    char *cq = sq;
    if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
        cq = mmap(NULL, cq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_CQ_RING);
        if (cq == MAP_FAILED)
            return blocked_errno(errno, "mmap");
    }
    struct io_uring_sqe *sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                                     MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
    if (sqes == MAP_FAILED)
        return blocked_errno(errno, "mmap");

    /* the socket itself comes from socket(2): what io_uring adds is a
     * connect() the seccomp filter never sees */
    cur_step = "socket";
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return blocked_errno(errno, "socket");

    uint32_t *sq_tail = (uint32_t *)(sq + p.sq_off.tail);
    uint32_t *sq_mask = (uint32_t *)(sq + p.sq_off.ring_mask);
    uint32_t *sq_array = (uint32_t *)(sq + p.sq_off.array);
    uint32_t tail = __atomic_load_n(sq_tail, __ATOMIC_ACQUIRE);
    uint32_t idx = tail & *sq_mask;
    struct io_uring_sqe *sqe = &sqes[idx];
    memset(sqe, 0, sizeof *sqe);
    sqe->opcode = IORING_OP_CONNECT;
    sqe->fd = fd;
    sqe->addr = (uint64_t)(uintptr_t)&ss;
    sqe->off = sl;
    sqe->user_data = 42;
    sq_array[idx] = idx;
    __atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);

    cur_step = "io_uring_enter";
    long r;
    do
        r = syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return blocked_errno(errno, "io_uring_enter");
    uint32_t *cq_head = (uint32_t *)(cq + p.cq_off.head);
    uint32_t *cq_tail = (uint32_t *)(cq + p.cq_off.tail);
    uint32_t *cq_mask = (uint32_t *)(cq + p.cq_off.ring_mask);
    struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    cur_step = "cqe";
    while (__atomic_load_n(cq_head, __ATOMIC_ACQUIRE) == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
        r = syscall(__NR_io_uring_enter, ring, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0);
        if (r < 0 && errno != EINTR)
            return blocked_errno(errno, "io_uring_enter");
    }
    struct io_uring_cqe *cqe = &cqes[*cq_head & *cq_mask];
    int res = cqe->res;
    if (res < 0)
        return blocked_errno(-res, "connect");
    close(fd);
    return ok("connected");
}

/* ----------------------------------------------------------- namespaces */

static int do_setns_proc(void)
{
    struct stat root;
    if (stat("/", &root) < 0)
        return blocked_errno(errno, "stat");
    /* the first error of each kind, not a list: /proc may be long */
    int setns_err = 0, open_err = 0;
    char okd[128] = "";
    cur_step = "opendir";
    DIR *d = opendir("/proc");
    if (!d)
        return blocked_errno(errno, "opendir");
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        static const struct { const char *ns; int type; } nss[] = {
            { "net", CLONE_NEWNET }, { "mnt", CLONE_NEWNS } };
        char path[320];
        for (size_t i = 0; i < 2; i++) {
            snprintf(path, sizeof path, "/proc/%s/ns/%s", de->d_name, nss[i].ns);
            cur_step = "open";
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                if (errno != ENOENT && !open_err)
                    open_err = errno;
                continue;
            }
            cur_step = "setns";
            if (setns(fd, nss[i].type) == 0) {
                if (!*okd)
                    snprintf(okd, sizeof okd, "setns %s:%.16s", nss[i].ns, de->d_name);
            } else if (!setns_err) {
                setns_err = errno;
            }
            close(fd);
        }
        static const char *const roots[] = { "root", "root/.." };
        for (size_t i = 0; i < 2; i++) {
            snprintf(path, sizeof path, "/proc/%s/%s", de->d_name, roots[i]);
            struct stat st;
            cur_step = "stat";
            if (stat(path, &st) < 0) {
                if (errno != ENOENT && !open_err)
                    open_err = errno;
                continue;
            }
            if (st.st_dev != root.st_dev || st.st_ino != root.st_ino) {
                if (!*okd)
                    snprintf(okd, sizeof okd, "other root at /proc/%.16s/%s", de->d_name, roots[i]);
            }
        }
    }
    closedir(d);
    if (*okd)
        return ok(okd);
    if (setns_err)
        return blocked_errno(setns_err, "setns");
    if (open_err)
        return blocked_errno(open_err, "open");
    return blocked("ENOENT", "open");
}

static int do_unshare_net(void)
{
    cur_step = "unshare";
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
        return blocked_errno(errno, "unshare");
    return ok(NULL);
}

/* ------------------------------------------------------ other ABIs (x86-64) */

#if defined(__x86_64__)
static long int80(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("int $0x80"
                     : "=a"(r)
                     : "a"(nr), "b"(a), "c"(b), "d"(c)
                     : "memory", "r8", "r9", "r10", "r11");
    return r;
}

static int do_int80(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(argv[0], argv[1], &ss);
    if (!sl || ss.ss_family != AF_INET)
        return usage();
    /* int 0x80 takes 32-bit pointers: everything below 4 GiB */
    cur_step = "mmap";
    char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (low == MAP_FAILED)
        return blocked_errno(errno, "mmap");
    uint32_t *args = (uint32_t *)low;
    char *buf = low + 256;
    memcpy(buf, payload, sizeof payload);
    memcpy(low + 512, &ss, sizeof(struct sockaddr_in));
    enum { I386_SOCKETCALL = 102, SC_SOCKET = 1, SC_SENDTO = 11 };
    struct tries t = { 0 };
    cur_step = "socketcall";
    args[0] = AF_INET6; args[1] = SOCK_DGRAM; args[2] = 0;
    long fd = int80(I386_SOCKETCALL, SC_SOCKET, (long)(uintptr_t)args, 0);
    if (fd < 0)
        tries_fail(&t, "inet6", (int)-fd, "socketcall");
    else
        tries_ok(&t, "inet6");
    args[0] = AF_INET; args[1] = SOCK_DGRAM; args[2] = 0;
    fd = int80(I386_SOCKETCALL, SC_SOCKET, (long)(uintptr_t)args, 0);
    if (fd < 0) {
        tries_fail(&t, "udp", (int)-fd, "socketcall");
    } else {
        args[0] = (uint32_t)fd; args[1] = (uint32_t)(uintptr_t)buf; args[2] = sizeof payload - 1;
        args[3] = 0; args[4] = (uint32_t)(uintptr_t)(low + 512); args[5] = sizeof(struct sockaddr_in);
        long r = int80(I386_SOCKETCALL, SC_SENDTO, (long)(uintptr_t)args, 0);
        if (r < 0)
            tries_fail(&t, "udp", (int)-r, "sendto");
        else
            tries_ok(&t, "udp");
    }
    return tries_result(&t);
}

static int do_x32(void)
{
    cur_step = "socket";
    long fd = syscall(0x40000000L | __NR_socket, AF_INET6, SOCK_DGRAM, 0);
    if (fd < 0)
        return blocked_errno(errno, "socket");
    return ok(NULL);
}
#else
static int do_int80(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return blocked("ENOSYS", "not-x86_64");
}
static int do_x32(void) { return blocked("ENOSYS", "not-x86_64"); }
#endif


/* ------------------------------------------------ other processes' sockets */


static int is_inet_dgram(int fd)
{
    int domain = 0, type = 0;
    socklen_t l = sizeof domain;
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &l) < 0)
        return 0;
    l = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0)
        return 0;
    return domain == AF_INET && type == SOCK_DGRAM;
}

/* A pidfd for the peer of the connected UNIX socket s, by either way. */
static int peer_pidfd(int s, int *err, const char **step)
{
    int pidfd = -1;
    socklen_t l = sizeof pidfd;
    if (getsockopt(s, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &l) == 0 && pidfd >= 0)
        return pidfd;
    *err = errno, *step = "peerpidfd";
    int on = 1;
    if (setsockopt(s, SOL_SOCKET, SO_PASSPIDFD, &on, sizeof on) < 0)
        return -1; /* the first refusal is the one reported */
    char byte, cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {&byte, 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    if (write(s, "?", 1) != 1 || recvmsg(s, &m, 0) <= 0) {
        *err = errno, *step = "scm_pidfd";
        return -1;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_PIDFD)
            memcpy(&pidfd, CMSG_DATA(c), sizeof pidfd);
    if (pidfd < 0)
        *err = ENOENT, *step = "scm_pidfd";
    return pidfd;
}

static int do_peer_pidfd(int argc, char **argv)
{
    if (argc != 3)
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(argv[1], argv[2], &ss);
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    if (!sl || strlen(argv[0]) >= sizeof un.sun_path)
        return usage();
    strcpy(un.sun_path, argv[0]);
    cur_step = "connect";
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&un, sizeof un) < 0)
        return blocked_errno(errno, "connect");
    int err = 0;
    const char *step = "?";
    cur_step = "pidfd";
    int pidfd = peer_pidfd(s, &err, &step);
    if (pidfd < 0)
        return blocked_errno(err, step);
    cur_step = "pidfd_getfd";
    int first_err = 0;
    for (int n = 0; n < 256; n++) {
        int fd = (int)syscall(SYS_pidfd_getfd, pidfd, n, 0);
        if (fd < 0) {
            if (errno != EBADF && !first_err)
                first_err = errno;
            continue;
        }
        if (is_inet_dgram(fd) && sendto(fd, payload, sizeof payload - 1, 0, (struct sockaddr *)&ss, sl) >= 0) {
            char d[32];
            snprintf(d, sizeof d, "fd=%d", n);
            return ok(d);
        }
        close(fd);
    }
    return blocked_errno(first_err ? first_err : ENOENT, "pidfd_getfd");
}

static int do_pidfd_getfd(void)
{
    cur_step = "fork";
    pid_t child = fork();
    if (child < 0)
        return blocked_errno(errno, "fork");
    if (child == 0) {
        pause();
        _exit(0);
    }
    int pidfd = (int)syscall(SYS_pidfd_open, child, 0), fd = -1, e = 0;
    if (pidfd >= 0 && (fd = (int)syscall(SYS_pidfd_getfd, pidfd, 0, 0)) < 0)
        e = errno;
    else if (pidfd < 0)
        e = errno;
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    return fd >= 0 ? ok(NULL) : blocked_errno(e, pidfd < 0 ? "pidfd_open" : "pidfd_getfd");
}

static int do_proc_vm(int argc, char **argv)
{
    if (argc != 1)
        return usage();
    char buf[8];
    struct iovec local = {buf, sizeof buf}, remote = {(void *)0x400000, sizeof buf};
    cur_step = "process_vm_readv";
    pid_t pid = (pid_t)atoi(argv[0]);
    /* Any answer but "no such process" means the process can be named. */
    if (process_vm_readv(pid, &local, 1, &remote, 1, 0) < 0 && errno == ESRCH)
        return blocked_errno(errno, "process_vm_readv");
    return ok(NULL);
}

/* ------------------------------------------------- int arguments, high bits */

#define HIGH (1L << 32)

static void try_call(struct tries *t, const char *way, long rc)
{
    if (rc >= 0)
        tries_ok(t, way);
    else
        tries_fail(t, way, errno, "call");
}

static int do_high_bits(void)
{
    struct tries t = {0};
    cur_step = "calls";
    try_call(&t, "icmp", syscall(SYS_socket, (long)AF_INET, (long)SOCK_DGRAM, (long)IPPROTO_ICMP | HIGH));
    try_call(&t, "sctp", syscall(SYS_socket, (long)AF_INET, (long)SOCK_STREAM, (long)IPPROTO_SCTP | HIGH));
    try_call(&t, "dccp", syscall(SYS_socket, (long)AF_INET, (long)SOCK_DCCP, (long)IPPROTO_DCCP | HIGH));
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    try_call(&t, "bindtodevice", syscall(SYS_setsockopt, (long)u, (long)SOL_SOCKET, (long)SO_BINDTODEVICE | HIGH,
                                         "eth0", 5L));
    int v = socket(AF_INET, SOCK_DGRAM, 0);
    try_call(&t, "bindtodevice-level", syscall(SYS_setsockopt, (long)v, (long)SOL_SOCKET | HIGH,
                                               (long)SO_BINDTODEVICE, "eth0", 5L));
    int s = socket(AF_INET, SOCK_STREAM, 0), on = 1;
    try_call(&t, "transparent", syscall(SYS_setsockopt, (long)s, (long)IPPROTO_IP, (long)IP_TRANSPARENT | HIGH,
                                        &on, (long)sizeof on));
    int pair[2], pidfd = -1;
    socklen_t l = sizeof pidfd;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0)
        try_call(&t, "peerpidfd", syscall(SYS_getsockopt, (long)pair[0], (long)SOL_SOCKET,
                                          (long)SO_PEERPIDFD | HIGH, &pidfd, &l));
    return tries_result(&t);
}

/* ------------------------------------- a thread with a descriptor table of its own */

struct split {
    struct sockaddr_storage ss;
    socklen_t sl;
    int fd_number; /* a pipe in the leader's table */
    int how;
    volatile int done, sent, err;
    const char *volatile step;
};

/* In the thread: a table of its own, a UDP socket at fd_number, a send. */
static void split_send(struct split *sp)
{
    if (sp->how == 0 && syscall(SYS_unshare, (long)CLONE_FILES) < 0) {
        sp->err = errno, sp->step = "unshare";
        return;
    }
    if (sp->how == 1 && syscall(SYS_close_range, 1000000L, 1000001L, (long)CLOSE_RANGE_UNSHARE) < 0) {
        sp->err = errno, sp->step = "close_range";
        return;
    }
    int u = (int)syscall(SYS_socket, (long)AF_INET, (long)SOCK_DGRAM, 0L);
    if (u < 0 || syscall(SYS_dup2, (long)u, (long)sp->fd_number) < 0) {
        sp->err = errno, sp->step = "socket";
        return;
    }
    if (syscall(SYS_sendto, (long)sp->fd_number, payload, (long)(sizeof payload - 1), 0L, &sp->ss, (long)sp->sl) < 0) {
        sp->err = errno, sp->step = "sendto";
        return;
    }
    sp->sent = 1;
}

static void *split_thread(void *arg)
{
    split_send(arg);
    ((struct split *)arg)->done = 1;
    return NULL;
}

static int split_clone(void *arg)
{
    split_send(arg);
    ((struct split *)arg)->done = 1;
    syscall(SYS_exit, 0L); /* this thread only */
    return 0;
}

static int do_thread_files(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    struct tries t = {0};
    static const char *const ways[] = {"unshare", "close_range", "clone"};
    for (int how = 0; how < 3; how++) {
        struct split sp = {.how = how, .step = "?"};
        sp.sl = parse_addr(argv[0], argv[1], &sp.ss);
        int p[2];
        if (!sp.sl)
            return usage();
        if (pipe(p) < 0)
            return blocked_errno(errno, "pipe");
        sp.fd_number = p[0];
        cur_step = ways[how];
        if (how < 2) {
            pthread_t th;
            if (pthread_create(&th, NULL, split_thread, &sp) != 0)
                return blocked_errno(errno, "pthread_create");
            pthread_join(th, NULL);
        } else {
            static char stack[65536] __attribute__((aligned(16)));
            if (clone(split_clone, stack + sizeof stack, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, &sp) < 0)
                sp.err = errno, sp.step = "clone";
            else
                while (!sp.done)
                    usleep(1000);
        }
        if (sp.sent)
            tries_ok(&t, ways[how]);
        else
            tries_fail(&t, ways[how], sp.err, sp.step);
        close(p[0]);
        close(p[1]);
    }
    return tries_result(&t);
}

/* ----------------------------------------------------------------- terminal */

static int do_tiocsti(void)
{
    cur_step = "isatty";
    if (!isatty(STDIN_FILENO))
        return blocked_errno(ENOTTY, "isatty");
    char c = '#'; /* a comment character: what the shell reads does nothing */
    cur_step = "ioctl";
    if (ioctl(STDIN_FILENO, TIOCSTI, &c) != 0)
        return blocked_errno(errno, "ioctl");
    return ok("pushed");
}

/* ------------------------------------------------------------- non-dumpable */

static int do_nondumpable(int argc, char **argv)
{
    if (argc != 2 && !(argc == 3 && !strcmp(argv[2], "udp")))
        return usage();
    struct sockaddr_storage ss;
    socklen_t sl = parse_addr(argv[0], argv[1], &ss);
    if (!sl)
        return usage();
    cur_step = "prctl";
    if (prctl(PR_SET_DUMPABLE, 0) != 0 || prctl(PR_GET_DUMPABLE) != 0)
        return blocked_errno(errno, "prctl");
    if (argc == 3) {
        int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        cur_step = "sendto";
        if (u < 0 || sendto(u, payload, sizeof payload - 1, 0, (struct sockaddr *)&ss, sl) < 0)
            return blocked_errno(errno, u < 0 ? "socket" : "sendto");
        return ok("sent");
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    const char *step = "socket";
    int e = fd < 0 ? errno : connect_within(fd, (struct sockaddr *)&ss, sl, 2000, &step);
    if (e == -1)
        return blocked("TIMEOUT", "connect");
    if (e)
        return blocked_errno(e, step);
    return ok("connected");
}

/* --------------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    attempt = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, on_alarm);
    alarm(10);
    int n = argc - 2;
    char **a = argv + 2;
    const char *c = attempt;
#define IS(name) (!strcmp(c, name))
#define NOARGS(expr) (n ? usage() : (expr))
    if (IS("udp"))
        return do_udp(n, a, 0);
    if (IS("udp-connect"))
        return do_udp(n, a, 1);
    if (IS("udp-sendmsg"))
        return do_udp(n, a, 2);
    if (IS("udp-sendmmsg"))
        return do_udp(n, a, 3);
    if (IS("broadcast"))
        return do_broadcast(n, a);
    if (IS("multicast"))
        return do_multicast(n, a);
    if (IS("dns"))
        return do_dns(n, a);
    if (IS("icmp"))
        return do_icmp(n, a);
    if (IS("raw"))
        return NOARGS(do_socket_only(AF_INET, SOCK_RAW, IPPROTO_RAW));
    if (IS("raw6"))
        return NOARGS(do_socket_only(AF_INET6, SOCK_RAW, IPPROTO_RAW));
    if (IS("packet"))
        return NOARGS(do_socket_only(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)));
    if (IS("ipv6"))
        return do_tcp(n, a, 1);
    if (IS("tcp"))
        return do_tcp(n, a, 0);
    if (IS("abstract"))
        return do_abstract(n, a);
    if (IS("netlink-route"))
        return NOARGS(do_netlink_route());
    if (IS("netlink-other"))
        return NOARGS(do_netlink_other());
    if (IS("bindtodevice"))
        return do_bindtodevice(n, a);
    if (IS("transparent"))
        return NOARGS(do_transparent());
    if (IS("io-uring-connect"))
        return do_io_uring_connect(n, a);
    if (IS("setns-proc"))
        return NOARGS(do_setns_proc());
    if (IS("unshare-net"))
        return NOARGS(do_unshare_net());
    if (IS("vsock"))
        return NOARGS(do_socket_only(AF_VSOCK, SOCK_STREAM, 0));
    if (IS("sctp"))
        return NOARGS(do_socket_only(AF_INET, SOCK_STREAM, IPPROTO_SCTP));
    if (IS("dccp"))
        return NOARGS(do_socket_only(AF_INET, SOCK_DCCP, IPPROTO_DCCP));
    if (IS("bluetooth"))
        return NOARGS(do_socket_only(AF_BLUETOOTH, SOCK_SEQPACKET, LEAK_BTPROTO_L2CAP));
    if (IS("key"))
        return NOARGS(do_socket_only(AF_KEY, SOCK_RAW, PF_KEY_V2));
    if (IS("int80"))
        return do_int80(n, a);
    if (IS("x32"))
        return NOARGS(do_x32());
    if (IS("peer-pidfd"))
        return do_peer_pidfd(n, a);
    if (IS("pidfd-getfd"))
        return NOARGS(do_pidfd_getfd());
    if (IS("proc-vm"))
        return do_proc_vm(n, a);
    if (IS("high-bits"))
        return NOARGS(do_high_bits());
    if (IS("thread-files"))
        return do_thread_files(n, a);
    if (IS("tiocsti"))
        return NOARGS(do_tiocsti());
    if (IS("udplite"))
        return NOARGS(do_socket_only(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE));
    if (IS("udp-sockets"))
        return do_udp_sockets(n, a);
    if (IS("nondumpable"))
        return do_nondumpable(n, a);
    return usage();
}
