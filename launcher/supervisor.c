/* Serves the seccomp user notifications of tor mode; see supervisor.h. */
#include "supervisor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <linux/kcmp.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include <seccomp.h>

#include "addresses.h"
#include "datagram_island.h"
#include "seccomp_filter.h"
#include "util.h"

#define MAX_DATAGRAM 65535
#define MAX_IOV 1024
#define MAX_MMSG 1024

struct supervisor {
    int listener;
    struct datagram_island *island; /* NULL: each datagram is checked */
    uint32_t gateway; /* network order */
    bool allow_dns, allow_lan;
    struct prefix4 pool;
    struct seccomp_notif *req;
    struct seccomp_notif_resp *resp;
    char buf[MAX_DATAGRAM];
};

/* One notification being answered. */
struct call {
    struct supervisor *sv;
    pid_t pid;
    int sock; /* our duplicate of the target's socket */
};

/* Linux 6.6 and later; Debian 12's headers predate them. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/* Each notification is a synchronous call: the task waits for the answer,
 * and the supervisor for the next call. Where the kernel has it, it then
 * wakes each side on the CPU the other one leaves rather than on another
 * (a faster switch); older kernels refuse the flag, and the plain wake-up
 * stays, as correct and slower. */
static void ask_for_synchronous_wake_ups(int listener)
{
    (void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
}

struct supervisor *supervisor_new(int listener, const struct seccomp_policy *policy,
                                  struct datagram_island *island)
{
    ask_for_synchronous_wake_ups(listener);
    struct supervisor *sv = xcalloc(1, sizeof *sv);
    sv->listener = listener;
    sv->island = island;
    sv->gateway = htonl(policy->gateway);
    sv->allow_dns = policy->allow_dns;
    sv->allow_lan = policy->allow_lan;
    sv->pool = policy->pool;
    if (seccomp_notify_alloc(&sv->req, &sv->resp) != 0)
        die("out of memory");
    return sv;
}

void supervisor_free(struct supervisor *sv)
{
    if (!sv)
        return;
    seccomp_notify_free(sv->req, sv->resp);
    free(sv);
}

static bool read_remote(pid_t pid, void *dst, uint64_t src, size_t len)
{
    struct iovec local = {dst, len}, remote = {(void *)(uintptr_t)src, len};
    return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len;
}

static bool write_remote(pid_t pid, uint64_t dst, const void *src, size_t len)
{
    struct iovec local = {(void *)src, len}, remote = {(void *)(uintptr_t)dst, len};
    return process_vm_writev(pid, &local, 1, &remote, 1, 0) == (ssize_t)len;
}

static bool is_inet_datagram(int sock)
{
    int domain = 0, type = 0;
    socklen_t len = sizeof domain;
    if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0)
        return false;
    len = sizeof type;
    if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
        return false;
    return domain == AF_INET && type == SOCK_DGRAM;
}

/* The gateway's port 53 (dns = tor); with lan = allow, RFC 1918 addresses
 * other than their port 53, never Tor's automap range or the pool
 * (addresses.h). The firewall repeats both. */
static bool destination_allowed(const struct supervisor *sv, const struct sockaddr_in *to)
{
    if (to->sin_addr.s_addr == sv->gateway)
        return sv->allow_dns && to->sin_port == htons(53);
    return sv->allow_lan && lan_direct(ntohl(to->sin_addr.s_addr), &sv->pool) && to->sin_port != htons(53);
}

/* Copies the target's address and checks it: the gateway's port 53, or
 * AF_UNSPEC (dissolving a connection) when unspec_ok. */
static int checked_address(const struct call *c, uint64_t addr, uint64_t len, bool unspec_ok,
                           struct sockaddr_in *out)
{
    sa_family_t family;
    if (len < sizeof family || !read_remote(c->pid, &family, addr, sizeof family))
        return -EFAULT;
    if (family == AF_UNSPEC && unspec_ok) {
        out->sin_family = AF_UNSPEC;
        return 0;
    }
    if (family != AF_INET || len < sizeof *out)
        return -EPERM;
    if (!read_remote(c->pid, out, addr, sizeof *out))
        return -EFAULT;
    return destination_allowed(c->sv, out) ? 0 : -EPERM;
}

/* Gathers a message's data from the target into sv->buf. */
static ssize_t gather(const struct call *c, const struct msghdr *msg)
{
    struct iovec iov[MAX_IOV];
    size_t n = msg->msg_iovlen;
    if (n > MAX_IOV)
        return -EMSGSIZE;
    if (n && !read_remote(c->pid, iov, (uintptr_t)msg->msg_iov, n * sizeof iov[0]))
        return -EFAULT;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (iov[i].iov_len > MAX_DATAGRAM - total)
            return -EMSGSIZE;
        if (iov[i].iov_len && !read_remote(c->pid, c->sv->buf + total, (uintptr_t)iov[i].iov_base, iov[i].iov_len))
            return -EFAULT;
        total += iov[i].iov_len;
    }
    return (ssize_t)total;
}

/* Sends one message of the target from copies; bytes sent or -errno. */
static ssize_t send_copy(const struct call *c, const struct msghdr *msg, int flags)
{
    struct sockaddr_in to;
    bool named = msg->msg_name != NULL;
    if (msg->msg_controllen)
        return -EPERM; /* ancillary data: nothing DNS needs, and no way to check it */
    if (named) {
        int rc = checked_address(c, (uintptr_t)msg->msg_name, msg->msg_namelen, false, &to);
        if (rc < 0)
            return rc;
    }
    ssize_t len = gather(c, msg);
    if (len < 0)
        return len;
    /* Never block the supervisor: the whole sandbox's datagrams wait on it. */
    ssize_t sent = sendto(c->sock, c->sv->buf, (size_t)len, flags | MSG_DONTWAIT | MSG_NOSIGNAL,
                          named ? (struct sockaddr *)&to : NULL, named ? sizeof to : 0);
    return sent < 0 ? -errno : sent;
}

static int64_t do_connect(const struct call *c, const struct seccomp_data *d)
{
    struct sockaddr_in to;
    int rc = checked_address(c, d->args[1], d->args[2], true, &to);
    if (rc < 0)
        return rc;
    socklen_t len = to.sin_family == AF_UNSPEC ? sizeof(sa_family_t) : sizeof to;
    return connect(c->sock, (struct sockaddr *)&to, len) == 0 ? 0 : -errno;
}

static int64_t do_sendto(const struct call *c, const struct seccomp_data *d)
{
    size_t len = d->args[2];
    struct sockaddr_in to;
    if (len > MAX_DATAGRAM)
        return -EMSGSIZE;
    int rc = checked_address(c, d->args[4], d->args[5], false, &to);
    if (rc < 0)
        return rc;
    if (len && !read_remote(c->pid, c->sv->buf, d->args[1], len))
        return -EFAULT;
    ssize_t sent = sendto(c->sock, c->sv->buf, len, (int)d->args[3] | MSG_DONTWAIT | MSG_NOSIGNAL,
                          (struct sockaddr *)&to, sizeof to);
    return sent < 0 ? -errno : sent;
}

static int64_t do_sendmsg(const struct call *c, const struct seccomp_data *d)
{
    struct msghdr msg;
    if (!read_remote(c->pid, &msg, d->args[1], sizeof msg))
        return -EFAULT;
    return send_copy(c, &msg, (int)d->args[2]);
}

static int64_t do_sendmmsg(const struct call *c, const struct seccomp_data *d)
{
    unsigned vlen = (unsigned)d->args[2];
    if (vlen > MAX_MMSG)
        vlen = MAX_MMSG;
    unsigned done = 0;
    for (; done < vlen; done++) {
        uint64_t at = d->args[1] + done * sizeof(struct mmsghdr);
        struct mmsghdr m;
        if (!read_remote(c->pid, &m, at, sizeof m))
            return done ? (int64_t)done : -EFAULT;
        ssize_t sent = send_copy(c, &m.msg_hdr, (int)d->args[3]);
        if (sent < 0)
            return done ? (int64_t)done : sent;
        unsigned len = (unsigned)sent;
        if (!write_remote(c->pid, at + offsetof(struct mmsghdr, msg_len), &len, sizeof len))
            return done ? (int64_t)done : -EFAULT;
    }
    return done;
}

/* Whether two tasks share one file descriptor table. */
static bool same_files(pid_t a, pid_t b)
{
    return a == b || syscall(SYS_kcmp, a, b, KCMP_FILES, 0, 0) == 0;
}

/* A pidfd for the task that made the call, which may be any thread: with
 * PIDFD_THREAD where the kernel has it (Linux 6.9), else for its thread group
 * leader, found in /proc (the sandbox's own). The leader's descriptors are
 * the thread's only if they share one table: the filter refuses every way
 * of splitting it (seccomp_filter.c), and kcmp() checks it all the same,
 * so that this wall does not lean on that one. */
static int open_task(pid_t tid)
{
    int fd = (int)syscall(SYS_pidfd_open, tid, O_EXCL /* PIDFD_THREAD */);
    if (fd >= 0 || errno != EINVAL)
        return fd;
    fd = (int)syscall(SYS_pidfd_open, tid, 0); /* before 6.9: leaders only */
    if (fd >= 0 || errno != EINVAL)
        return fd;
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
    autofclose FILE *status = fopen(path, "re");
    long tgid = -1;
    while (status && fgets(line, sizeof line, status))
        if (sscanf(line, "Tgid: %ld", &tgid) == 1)
            break;
    if (tgid <= 0 || !same_files(tid, (pid_t)tgid)) {
        errno = EPERM;
        return -1;
    }
    return (int)syscall(SYS_pidfd_open, (pid_t)tgid, 0);
}

/* socket(AF_INET, SOCK_DGRAM | flags, protocol), which the filter sends
 * here where the sandbox has a datagram island: a socket of the island,
 * with the flags asked for, installed in the caller as the call's result
 * (SECCOMP_ADDFD_FLAG_SEND, Linux 5.14). The call's own arguments are read
 * as the kernel reads them, as ints. True when that answered the call. */
static bool answer_socket(struct supervisor *sv, const struct seccomp_notif *req, struct seccomp_notif_resp *resp)
{
    int type = (int)req->data.args[1], protocol = (int)req->data.args[2];
    if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) {
        resp->error = -EINVAL;
        return false;
    }
    /* UDP only: ICMP (refused by the filter too) and UDP-Lite DNS never needs. */
    if (!sv->island || (protocol != 0 && protocol != IPPROTO_UDP)) {
        resp->error = -EPERM;
        return false;
    }
    int made = datagram_island_socket(sv->island);
    if (made < 0) {
        resp->error = made == -EPIPE ? -ENOBUFS : made; /* the maker is gone: refused */
        return false;
    }
    autoclose int sock = made;
    /* The flag is the open file's, which the caller's descriptor shares. */
    if ((type & SOCK_NONBLOCK) && fcntl(sock, F_SETFL, O_NONBLOCK) != 0) {
        resp->error = -errno;
        return false;
    }
    struct seccomp_notif_addfd addfd = {.id = req->id, .flags = SECCOMP_ADDFD_FLAG_SEND, .srcfd = (unsigned)sock,
                                        .newfd_flags = (type & SOCK_CLOEXEC) ? O_CLOEXEC : 0};
    if (ioctl(sv->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) >= 0 || errno == ENOENT)
        return true; /* installed and answered, or the caller is gone */
    resp->error = -errno; /* EMFILE: the caller's limit, as socket() says it */
    return false;
}

/* Decides one call: continue it, or carry it out here and answer for it. */
static void decide(struct supervisor *sv, const struct seccomp_notif *req, struct seccomp_notif_resp *resp)
{
    const struct seccomp_data *d = &req->data;
    autoclose int pidfd = open_task((pid_t)req->pid);
    if (pidfd < 0) {
        resp->error = errno == EPERM ? -EPERM : -ESRCH;
        return;
    }
    struct call c = {sv, (pid_t)req->pid, (int)syscall(SYS_pidfd_getfd, pidfd, (int)d->args[0], 0)};
    autoclose int sock = c.sock;
    /* The notifying task is still the one we inspect (no PID reuse). */
    if (seccomp_notify_id_valid(sv->listener, req->id) != 0) {
        resp->error = -ESRCH;
        return;
    }
    if (sock < 0) {
        /* A bad descriptor: let the kernel say so. Anything else means the
         * call cannot be inspected, and what cannot be inspected is refused. */
        if (errno == EBADF)
            resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        else
            resp->error = -EPERM;
        return;
    }
    if (!is_inet_datagram(sock)) {
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        return;
    }
    int64_t rc;
    if (d->nr == SCMP_SYS(connect))
        rc = do_connect(&c, d);
    else if (d->nr == SCMP_SYS(sendto))
        rc = do_sendto(&c, d);
    else if (d->nr == SCMP_SYS(sendmsg))
        rc = do_sendmsg(&c, d);
    else if (d->nr == SCMP_SYS(sendmmsg))
        rc = do_sendmmsg(&c, d);
    else
        rc = -EPERM;
    if (rc < 0)
        resp->error = (int32_t)rc;
    else
        resp->val = rc;
}

bool supervisor_handle(struct supervisor *sv)
{
    memset(sv->req, 0, sizeof *sv->req);
    int rc = seccomp_notify_receive(sv->listener, sv->req);
    if (rc == -EINTR || rc == -ENOENT)
        return true;
    if (rc < 0)
        return false;
    memset(sv->resp, 0, sizeof *sv->resp);
    sv->resp->id = sv->req->id;
    if (sv->req->data.nr == SCMP_SYS(socket) && answer_socket(sv, sv->req, sv->resp))
        return true;
    if (sv->req->data.nr != SCMP_SYS(socket))
        decide(sv, sv->req, sv->resp);
    /* The target may have died meanwhile (ENOENT): nothing to answer. */
    seccomp_notify_respond(sv->listener, sv->resp);
    return true;
}
