/* The seccomp filter's rules (libseccomp). */
#include "seccomp_filter.h"

#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>

#include <seccomp.h>

#include "util.h"

/* Families a desktop application has business with: UNIX sockets (X11,
 * Wayland, D-Bus), IPv4, and NETLINK_ROUTE (getifaddrs). IPv6 is off. */
static const int allowed_families[] = {AF_UNIX, AF_INET, AF_NETLINK};

static void ctx_releasep(scmp_filter_ctx *ctx)
{
    if (*ctx)
        seccomp_release(*ctx);
}

static void add(scmp_filter_ctx ctx, uint32_t action, int nr, const char *what, unsigned count,
                const struct scmp_arg_cmp *cmp)
{
    int rc = seccomp_rule_add_array(ctx, action, nr, count, cmp);
    if (rc < 0)
        die("cannot build the seccomp filter (%s): %s", what, strerror(-rc));
}

#define RULE(ctx, action, name, ...)                                                                        \
    do {                                                                                                    \
        const struct scmp_arg_cmp cmp_[] = {__VA_ARGS__};                                                   \
        add(ctx, action, SCMP_SYS(name), #name, N_ELEMENTS(cmp_), cmp_);                                    \
    } while (0)
#define RULE0(ctx, action, name) add(ctx, action, SCMP_SYS(name), #name, 0, NULL)

static bool family_allowed(int family)
{
    for (size_t i = 0; i < N_ELEMENTS(allowed_families); i++)
        if (allowed_families[i] == family)
            return true;
    return false;
}

/* socket() and socketpair(): any family but the allowed ones is refused with
 * EAFNOSUPPORT, so that applications fall back at once. */
static void restrict_families(scmp_filter_ctx ctx, int nr, const char *what)
{
    const uint32_t refuse = SCMP_ACT_ERRNO(EAFNOSUPPORT);
    for (int family = 0; family < AF_MAX; family++) {
        if (family_allowed(family))
            continue;
        const struct scmp_arg_cmp cmp = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)family);
        add(ctx, refuse, nr, what, 1, &cmp);
    }
    /* Families the kernel may add later, and values with high bits set. */
    const struct scmp_arg_cmp high = SCMP_A0(SCMP_CMP_GE, AF_MAX);
    add(ctx, refuse, nr, what, 1, &high);
}

static void restrict_sockets(scmp_filter_ctx ctx)
{
    restrict_families(ctx, SCMP_SYS(socket), "socket");
    restrict_families(ctx, SCMP_SYS(socketpair), "socketpair");
    const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
    /* Raw and packet-type IPv4 sockets, and ICMP "ping" sockets. */
    RULE(ctx, eperm, socket, SCMP_A0(SCMP_CMP_EQ, AF_INET), SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW));
    RULE(ctx, eperm, socket, SCMP_A0(SCMP_CMP_EQ, AF_INET), SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_PACKET));
    RULE(ctx, eperm, socket, SCMP_A0(SCMP_CMP_EQ, AF_INET), SCMP_A2(SCMP_CMP_EQ, IPPROTO_ICMP));
    /* Only TCP and UDP: SCTP and DCCP would pass the supervisor as "not a
     * datagram socket" and reach the firewall alone. */
    RULE(ctx, eperm, socket, SCMP_A0(SCMP_CMP_EQ, AF_INET), SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_SEQPACKET));
    RULE(ctx, eperm, socket, SCMP_A0(SCMP_CMP_EQ, AF_INET), SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DCCP));
    RULE(ctx, eperm, socket, SCMP_A0(SCMP_CMP_EQ, AF_INET), SCMP_A2(SCMP_CMP_EQ, IPPROTO_SCTP));
    RULE(ctx, eperm, socket, SCMP_A0(SCMP_CMP_EQ, AF_INET), SCMP_A2(SCMP_CMP_EQ, IPPROTO_DCCP));
    /* Netlink: NETLINK_ROUTE only (reading links and addresses). */
    RULE(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), socket, SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
         SCMP_A2(SCMP_CMP_NE, NETLINK_ROUTE));
    /* Binding to a device or transparent proxying: ways around routing. */
    RULE(ctx, eperm, setsockopt, SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET), SCMP_A2(SCMP_CMP_EQ, SO_BINDTODEVICE));
    RULE(ctx, eperm, setsockopt, SCMP_A1(SCMP_CMP_EQ, SOL_IP), SCMP_A2(SCMP_CMP_EQ, IP_TRANSPARENT));
}

/* Ways around the filter and out of the namespaces. */
static void close_bypasses(scmp_filter_ctx ctx, bool allow_user_namespaces)
{
    const uint32_t enosys = SCMP_ACT_ERRNO(ENOSYS), eperm = SCMP_ACT_ERRNO(EPERM);
    /* io_uring's operations never pass through this filter. */
    RULE0(ctx, enosys, io_uring_setup);
    RULE0(ctx, enosys, io_uring_enter);
    RULE0(ctx, enosys, io_uring_register);
    RULE0(ctx, eperm, setns);
    RULE0(ctx, eperm, bpf);
    /* clone3 passes its flags in memory the filter cannot read; ENOSYS makes
     * glibc fall back to clone, whose flags it can. */
    RULE0(ctx, enosys, clone3);
    if (!allow_user_namespaces) {
        const unsigned long ns_flags[] = {CLONE_NEWUSER, CLONE_NEWNET};
        for (size_t i = 0; i < N_ELEMENTS(ns_flags); i++) {
            RULE(ctx, eperm, unshare, SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
            RULE(ctx, eperm, clone, SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
        }
    }
}

/* Tor mode: every call that can name a datagram's destination goes to the
 * supervisor. sendto() without an address cannot. */
static void supervise_destinations(scmp_filter_ctx ctx)
{
    RULE0(ctx, SCMP_ACT_NOTIFY, connect);
    RULE(ctx, SCMP_ACT_NOTIFY, sendto, SCMP_A4(SCMP_CMP_NE, 0));
    RULE0(ctx, SCMP_ACT_NOTIFY, sendmsg);
    RULE0(ctx, SCMP_ACT_NOTIFY, sendmmsg);
}

int seccomp_filter_load(const struct seccomp_policy *policy)
{
#ifdef TORGATE_WITHOUT_SECCOMP
    /* Only in the builds that make bench compares against and that valgrind
     * (which cannot emulate seccomp(2)) runs; neither is ever installed. */
    (void)policy;
    return -1;
#endif
    __attribute__((cleanup(ctx_releasep))) scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx)
        die("cannot build the seccomp filter: out of memory");
    /* Only the native ABI: 32-bit and x32 system calls (socketcall and the
     * rest) kill the process instead of slipping past rules written for
     * x86_64 numbers. */
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc < 0)
        die("cannot build the seccomp filter: %s", strerror(-rc));
    restrict_sockets(ctx);
    close_bypasses(ctx, policy->allow_user_namespaces);
    if (policy->mode == MODE_TOR)
        supervise_destinations(ctx);
    /* I2P mode: the router's proxies are TCP; no IPv4 datagram at all. */
    if (policy->mode == MODE_I2P)
        RULE(ctx, SCMP_ACT_ERRNO(EPERM), socket, SCMP_A0(SCMP_CMP_EQ, AF_INET),
             SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM));
    rc = seccomp_load(ctx);
    if (rc < 0)
        die("cannot load the seccomp filter: %s (does the kernel have CONFIG_SECCOMP_FILTER?)", strerror(-rc));
    if (policy->mode != MODE_TOR)
        return -1;
    rc = seccomp_notify_fd(ctx);
    if (rc < 0)
        die("cannot get the seccomp listener: %s", strerror(-rc));
    return rc;
}
