/* See datagram_island.h. The maker answers each one-byte request (how
 * many sockets, at most BATCH) with one message: an errno (0 for success)
 * and, on success, the sockets it made. */
#include "datagram_island.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "privileged.h"
#include "util.h"

/* init keeps a stock of the island's sockets, so that a socket() of
 * COMMAND's is answered without waiting on the maker: each request asks for
 * a batch, made and passed in one message, while the stock runs low. */
#define BATCH 8
#define STOCK_MAX (2 * BATCH)
#define MAKER_WAIT_MS 1000

struct datagram_island {
    int channel; /* SOCK_SEQPACKET, to the maker; -1 once it is gone */
    pid_t maker;
    bool dns;
    int stock[STOCK_MAX];
    unsigned count;
    bool asked; /* a batch is on its way */
};

union fds_control {
    struct cmsghdr align;
    char buf[CMSG_SPACE(BATCH * sizeof(int))];
};

/* One message: err, and unless err the n sockets of fds. */
static bool send_sockets(int channel, int err, const int *fds, unsigned n)
{
    union fds_control control = {0};
    struct iovec iov = {&err, sizeof err};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (!err && n) {
        msg.msg_control = control.buf;
        msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(n * sizeof(int));
        memcpy(CMSG_DATA(c), fds, n * sizeof(int));
    }
    return sendmsg(channel, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof err;
}

/* One message's sockets into fds (at most max); how many, or -EPIPE (the
 * maker is gone, or said something it should not have), -EAGAIN (with
 * flags MSG_DONTWAIT and nothing there yet) or -ENOBUFS (the maker could
 * make none: whatever its errno, which must not read as one of those). */
static int receive_sockets(int channel, int *fds, unsigned max, int flags)
{
    union fds_control control;
    if (max > BATCH)
        max = BATCH; /* the maker never sends more in one message */
    int err = 0;
    struct iovec iov = {&err, sizeof err};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = CMSG_SPACE(max * sizeof(int))};
    ssize_t n;
    do
        n = recvmsg(channel, &msg, MSG_CMSG_CLOEXEC | flags);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN)
        return -EAGAIN;
    struct cmsghdr *c = n == (ssize_t)sizeof err ? CMSG_FIRSTHDR(&msg) : NULL;
    unsigned got = 0;
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len >= CMSG_LEN(0))
        got = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
    if (got > max)
        got = max; /* cannot be: the buffer holds max */
    if (got)
        memcpy(fds, CMSG_DATA(c), got * sizeof(int));
    if (n != (ssize_t)sizeof err || (msg.msg_flags & MSG_CTRUNC) || (err && got)) {
        for (unsigned i = 0; i < got; i++)
            close(fds[i]);
        return -EPIPE;
    }
    if (err)
        return -ENOBUFS;
    return (int)got;
}

static int dns_socket(uint32_t gateway)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(53), .sin_addr.s_addr = htonl(gateway)};
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0)
        die_with_error("cannot bind the DNS guard in the sandbox's datagram island");
    return fd;
}

__attribute__((noreturn)) static void serve_requests(int channel)
{
    for (;;) {
        unsigned char wanted;
        ssize_t n = recv(channel, &wanted, 1, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != 1 || wanted == 0 || wanted > BATCH)
            _exit(0); /* init is gone, or not init */
        int fds[BATCH], err = 0;
        unsigned made = 0;
        while (made < wanted && (fds[made] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0)
            made++;
        if (!made)
            err = errno;
        bool sent = send_sockets(channel, err, fds, made);
        for (unsigned i = 0; i < made; i++)
            close(fds[i]);
        if (!sent)
            _exit(0);
    }
}

/* The maker's first steps, while the launcher makes the sandbox's link:
 * the island with its loopback; then, once init has the slot, the
 * gateway's address and the DNS guard's socket (with dns). */
__attribute__((noreturn)) static void maker_main(int channel, bool dns, int error_fd)
{
    /* As init's other helpers: the sandbox's end is its end, never a
     * terminal's ^C or a signal of the user's. */
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    /* None of the sandbox process's descriptors (its channels to the
     * launcher, the helpers' mount) nor, later, init's sockets. */
    if (!close_all_fds_but(channel, error_fd))
        die_with_error("cannot close the datagram island maker's descriptors");
    priv_datagram_island();
    uint32_t gateway;
    if (!send_sockets(channel, 0, NULL, 0) || recv(channel, &gateway, sizeof gateway, 0) != sizeof gateway)
        _exit(EXIT_TORGATE); /* init is gone: it said why */
    int guard = -1;
    if (dns) {
        priv_island_gateway(gateway);
        guard = dns_socket(gateway);
    }
    priv_drop_all();
    /* Closed before the last message, which the launcher's wait for EOF
     * on error_fd must not outlast (the maker could be stopped after it). */
    close(error_fd);
    report_errors_to(-1);
    if (!send_sockets(channel, 0, &guard, dns ? 1 : 0) || !close_all_fds_but(channel, -1))
        _exit(EXIT_TORGATE);
    serve_requests(channel);
}

/* Asks for a batch unless one is on its way. */
static void ask(struct datagram_island *island)
{
    unsigned char wanted = BATCH;
    if (island->asked || island->channel < 0)
        return;
    island->asked = send(island->channel, &wanted, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1;
}

/* The batch on its way into the stock; false once the maker is gone. */
static bool take_batch(struct datagram_island *island, int flags)
{
    int got = receive_sockets(island->channel, island->stock + island->count, STOCK_MAX - island->count, flags);
    if (got == -EAGAIN)
        return true;
    island->asked = false;
    if (got == -EPIPE) {
        close(island->channel);
        island->channel = -1;
        return false;
    }
    if (got > 0)
        island->count += (unsigned)got;
    return true;
}

/* What init waits for from the maker: an empty message (the island made),
 * then the DNS guard's socket (with dns). A maker that died of an error
 * said why on the error channel, where a second line would garble the
 * first: init then exits without one. */
static void expect_from_maker(struct datagram_island *island, int *fd, unsigned n)
{
    int status;
    if (receive_sockets(island->channel, fd, n, 0) == (int)n)
        return;
    if (waitpid(island->maker, &status, 0) == island->maker && WIFEXITED(status))
        _exit(EXIT_TORGATE);
    die("the sandbox's datagram island could not be made: its maker was killed");
}

struct datagram_island *datagram_island_open(bool dns, int error_fd)
{
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
        die_with_error("cannot make the sandbox's datagram island");
    pid_t pid = fork_or_die("the datagram island's maker");
    if (pid == 0) {
        close(pair[0]);
        maker_main(pair[1], dns, error_fd);
    }
    close(pair[1]);
    struct datagram_island *island = xcalloc(1, sizeof *island);
    island->channel = pair[0];
    island->maker = pid;
    island->dns = dns;
    return island;
}

void datagram_island_place(struct datagram_island *island, uint32_t gateway)
{
    expect_from_maker(island, NULL, 0);
    if (send(island->channel, &gateway, sizeof gateway, MSG_NOSIGNAL) != sizeof gateway)
        die("the sandbox's datagram island's maker is gone");
}

int datagram_island_take_dns_socket(struct datagram_island *island)
{
    int fd = -1;
    expect_from_maker(island, &fd, island->dns ? 1 : 0);
    ask(island); /* the first stock, made while COMMAND starts */
    return fd;
}

int datagram_island_socket(struct datagram_island *island)
{
    if (!island->count) {
        ask(island);
        if (!island->asked)
            return -EPIPE;
        /* A maker that does not answer (stopped: COMMAND may signal it,
         * as its own user) is waited for a second at most; init's loop
         * (the sandbox's DNS guard, reaping) waits with it, which only
         * COMMAND's own sandbox can suffer from. */
        struct pollfd pfd = {island->channel, POLLIN, 0};
        if (poll(&pfd, 1, MAKER_WAIT_MS) != 1)
            return -ENOBUFS;
        if (!take_batch(island, MSG_DONTWAIT))
            return -EPIPE;
        if (!island->count)
            return -ENOBUFS; /* the maker could make none */
    }
    int fd = island->stock[--island->count];
    if (island->count < BATCH)
        ask(island);
    return fd;
}

int datagram_island_poll_fd(const struct datagram_island *island)
{
    return island->asked ? island->channel : -1;
}

void datagram_island_refill(struct datagram_island *island)
{
    if (island->asked)
        take_batch(island, MSG_DONTWAIT);
}

void datagram_island_close_fds(const struct datagram_island *island)
{
    if (island->channel >= 0)
        close(island->channel);
    for (unsigned i = 0; i < island->count; i++)
        close(island->stock[i]);
}
