/* See automap.h. */
#include "automap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

union fd_control {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int))];
};

void automap_hand_socket(int channel, int nl)
{
    union fd_control control = {0};
    char tag = 'S';
    struct iovec iov = {&tag, 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &nl, sizeof nl);
    if (sendmsg(channel, &msg, MSG_NOSIGNAL) != 1)
        die_with_error("cannot hand the launcher the socket that grants automapped addresses");
}

int automap_take_socket(int channel)
{
    union fd_control control;
    char tag;
    struct iovec iov = {&tag, 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    /* Sent before COMMAND's exec, which the launcher has heard of. */
    if (recvmsg(channel, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) != 1 || tag != 'S' ||
        (msg.msg_flags & MSG_CTRUNC))
        return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    int fd = -1;
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

/* One request answered; false once the channel is done with. A request:
 * its sequence number, then 1 to AUTOMAP_GRANT_MAX addresses; the answer:
 * the sequence number, then 0 (granted) or 1. All in network order. */
static bool grant_one(int channel, int nl, automap_grant_fn *grant)
{
    uint32_t wire[1 + AUTOMAP_GRANT_MAX + 1], addrs[AUTOMAP_GRANT_MAX];
    ssize_t len = recv(channel, wire, sizeof wire, MSG_DONTWAIT);
    if (len < 0)
        return errno == EINTR || errno == EAGAIN;
    if (len < (ssize_t)sizeof *wire)
        return false;
    unsigned n = (unsigned)len / sizeof *wire - 1;
    unsigned char answer[sizeof *wire + 1];
    memcpy(answer, wire, sizeof *wire);
    answer[sizeof *wire] = 1;
    if (nl >= 0 && len % sizeof *wire == 0 && n >= 1 && n <= AUTOMAP_GRANT_MAX) {
        for (unsigned i = 0; i < n; i++)
            addrs[i] = ntohl(wire[1 + i]);
        int err = grant(nl, addrs, n);
        if (err)
            debug("automapped addresses refused: %s", strerror(-err));
        answer[sizeof *wire] = err != 0;
    }
    return send(channel, answer, sizeof answer, MSG_NOSIGNAL) == (ssize_t)sizeof answer;
}

void automap_serve(int channel, int nl, automap_grant_fn *grant)
{
    for (;;) {
        struct pollfd pfd = {channel, POLLIN, 0};
        if (poll(&pfd, 1, -1) < 0) {
            if (errno == EINTR)
                continue; /* a relayed signal */
            return;
        }
        if ((pfd.revents & POLLIN) ? !grant_one(channel, nl, grant) : pfd.revents != 0)
            return;
    }
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool automap_ask(struct automap_client *c, const uint32_t *addrs, unsigned n)
{
    uint32_t wire[1 + AUTOMAP_GRANT_MAX], seq;
    unsigned char answer[sizeof seq + 1];
    if (c->channel < 0 || n < 1 || n > AUTOMAP_GRANT_MAX)
        return false;
    while (recv(c->channel, answer, sizeof answer, MSG_DONTWAIT) > 0)
        c->stalled = false; /* a late answer: the launcher is there again */
    if (c->stalled)
        return false; /* no second's wait per answer while it is not */
    wire[0] = htonl(++c->seq);
    for (unsigned i = 0; i < n; i++)
        wire[1 + i] = htonl(addrs[i]);
    size_t size = (1 + n) * sizeof *wire;
    if (send(c->channel, wire, size, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)size)
        return false;
    long long deadline = now_ms() + AUTOMAP_WAIT_MS;
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd pfd = {c->channel, POLLIN, 0};
        if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
            c->stalled = true;
            return false;
        }
        ssize_t got = recv(c->channel, answer, sizeof answer, MSG_DONTWAIT);
        if (got == (ssize_t)sizeof answer) {
            memcpy(&seq, answer, sizeof seq);
            if (seq == wire[0])
                return answer[sizeof seq] == 0;
            continue; /* an earlier request's */
        }
        if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN))
            return false;
    }
}
