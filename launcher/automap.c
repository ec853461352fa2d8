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

/* One request answered; false once the channel is done with. */
static bool grant_one(int channel, int nl, automap_grant_fn *grant)
{
    uint32_t wire[AUTOMAP_GRANT_MAX + 1], addrs[AUTOMAP_GRANT_MAX];
    ssize_t len = recv(channel, wire, sizeof wire, MSG_DONTWAIT);
    if (len < 0)
        return errno == EINTR || errno == EAGAIN;
    if (len == 0)
        return false;
    unsigned n = (unsigned)len / sizeof *wire;
    unsigned char answer = 1;
    if (nl >= 0 && len % sizeof *wire == 0 && n >= 1 && n <= AUTOMAP_GRANT_MAX) {
        for (unsigned i = 0; i < n; i++)
            addrs[i] = ntohl(wire[i]);
        int err = grant(nl, addrs, n);
        if (err)
            debug("automapped addresses refused: %s", strerror(-err));
        answer = err != 0;
    }
    return send(channel, &answer, 1, MSG_NOSIGNAL) == 1;
}

void automap_serve(int channel, int nl, int pidfd, automap_grant_fn *grant)
{
    for (;;) {
        struct pollfd fds[2] = {{pidfd, POLLIN, 0}, {channel, POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue; /* a relayed signal */
            return;
        }
        if (fds[0].revents)
            return;
        if ((fds[1].revents & POLLIN) ? !grant_one(channel, nl, grant) : fds[1].revents != 0)
            return;
    }
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool automap_ask(int channel, const uint32_t *addrs, unsigned n)
{
    uint32_t wire[AUTOMAP_GRANT_MAX];
    if (channel < 0 || n < 1 || n > AUTOMAP_GRANT_MAX)
        return false;
    for (unsigned i = 0; i < n; i++)
        wire[i] = htonl(addrs[i]);
    unsigned char answer;
    while (recv(channel, &answer, 1, MSG_DONTWAIT) == 1)
        ; /* a late answer to an earlier request that timed out */
    if (send(channel, wire, n * sizeof *wire, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)(n * sizeof *wire))
        return false;
    long long deadline = now_ms() + AUTOMAP_WAIT_MS;
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd pfd = {channel, POLLIN, 0};
        if (left <= 0 || poll(&pfd, 1, (int)left) == 0)
            return false;
        ssize_t got = recv(channel, &answer, 1, MSG_DONTWAIT);
        if (got == 1)
            return answer == 0;
        if (got == 0 || (errno != EINTR && errno != EAGAIN))
            return false;
    }
}
