/* The seccomp filter's rules (libseccomp), as tables: each rule names the
 * system call, the arguments it matches, the answer, and why. See
 * seccomp_rules.h. */
#include "seccomp_rules.h"

#include <errno.h>
#include <linux/close_range.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <seccomp.h>

#include "linux_compat.h"
#include "util.h"


/* int arguments: the kernel reads the low 32 bits only, so a rule must
 * compare those and nothing else, or a value with high bits set slips past
 * a rule that the kernel then does not see (socket(..., IPPROTO_ICMP | 1 <<
 * 32) is an ICMP socket). */
#define INT_EQ(arg, value) SCMP_CMP((arg), SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)(uint32_t)(value))
#define BITS_EQ(arg, mask, value) SCMP_CMP((arg), SCMP_CMP_MASKED_EQ, (mask), (value))

#define EPERM_ SCMP_ACT_ERRNO(EPERM)

struct rule {
    int nr;
    uint32_t action;
    unsigned count;
    struct scmp_arg_cmp cmp[3];
    const char *why;
};

/* Families a desktop application has business with: UNIX sockets (X11,
 * Wayland, D-Bus), IPv4, and NETLINK_ROUTE (getifaddrs). IPv6 is off. */
static const int allowed_families[] = {AF_UNIX, AF_INET, AF_NETLINK};

/* In every mode. */
static const struct rule base_rules[] = {
    /* IPv4 sockets the supervisor and the firewall are not made for. */
    {SCMP_SYS(socket), EPERM_, 2, {INT_EQ(0, AF_INET), BITS_EQ(1, 0xf, SOCK_RAW)}, "raw IPv4 sockets"},
    {SCMP_SYS(socket), EPERM_, 2, {INT_EQ(0, AF_INET), BITS_EQ(1, 0xf, SOCK_PACKET)}, "packet-type IPv4 sockets"},
    {SCMP_SYS(socket), EPERM_, 2, {INT_EQ(0, AF_INET), INT_EQ(2, IPPROTO_ICMP)}, "ICMP (ping) sockets"},
    {SCMP_SYS(socket), EPERM_, 2, {INT_EQ(0, AF_INET), BITS_EQ(1, 0xf, SOCK_SEQPACKET)},
     "SCTP: the supervisor would take it for a stream"},
    {SCMP_SYS(socket), EPERM_, 2, {INT_EQ(0, AF_INET), BITS_EQ(1, 0xf, SOCK_DCCP)}, "DCCP"},
    {SCMP_SYS(socket), EPERM_, 2, {INT_EQ(0, AF_INET), INT_EQ(2, IPPROTO_SCTP)}, "SCTP"},
    {SCMP_SYS(socket), EPERM_, 2, {INT_EQ(0, AF_INET), INT_EQ(2, IPPROTO_DCCP)}, "DCCP"},
    /* High bits of the protocol make this refuse more, never less. */
    {SCMP_SYS(socket), SCMP_ACT_ERRNO(EAFNOSUPPORT), 2,
     {INT_EQ(0, AF_NETLINK), SCMP_A2(SCMP_CMP_NE, NETLINK_ROUTE)}, "netlink other than NETLINK_ROUTE"},
    /* Ways around routing. */
    {SCMP_SYS(setsockopt), EPERM_, 2, {INT_EQ(1, SOL_SOCKET), INT_EQ(2, SO_BINDTODEVICE)}, "binding to a device"},
    {SCMP_SYS(setsockopt), EPERM_, 2, {INT_EQ(1, SOL_SOCKET), INT_EQ(2, SO_BINDTOIFINDEX)}, "binding to a device"},
    {SCMP_SYS(setsockopt), EPERM_, 2, {INT_EQ(1, SOL_IP), INT_EQ(2, IP_TRANSPARENT)}, "transparent proxying"},
    /* A process outside the sandbox: a pidfd of a UNIX socket's peer would
     * let pidfd_getfd() copy that process's sockets, which live in the
     * host's network namespace. ENOPROTOOPT, as a kernel before 6.5 says. */
    {SCMP_SYS(getsockopt), SCMP_ACT_ERRNO(ENOPROTOOPT), 2, {INT_EQ(1, SOL_SOCKET), INT_EQ(2, SO_PEERPIDFD)},
     "the pidfd of a socket's peer"},
    {SCMP_SYS(setsockopt), SCMP_ACT_ERRNO(ENOPROTOOPT), 2, {INT_EQ(1, SOL_SOCKET), INT_EQ(2, SO_PASSPIDFD)},
     "pidfds of senders (SCM_PIDFD)"},
    {SCMP_SYS(pidfd_getfd), EPERM_, 0, {{0}}, "another process's file descriptors"},
    /* The terminal it was started from: input pushed into it (TIOCSTI)
     * would be read by the user's shell once the app exits; TIOCLINUX can
     * paste on a virtual console. Job control and signals need neither. */
    {SCMP_SYS(ioctl), EPERM_, 1, {INT_EQ(1, TIOCSTI)}, "pushing input into the terminal"},
    {SCMP_SYS(ioctl), EPERM_, 1, {INT_EQ(1, TIOCLINUX)}, "the virtual console's paste"},
    /* io_uring's operations never pass through this filter. */
    {SCMP_SYS(io_uring_setup), SCMP_ACT_ERRNO(ENOSYS), 0, {{0}}, "io_uring"},
    {SCMP_SYS(io_uring_enter), SCMP_ACT_ERRNO(ENOSYS), 0, {{0}}, "io_uring"},
    {SCMP_SYS(io_uring_register), SCMP_ACT_ERRNO(ENOSYS), 0, {{0}}, "io_uring"},
    {SCMP_SYS(setns), EPERM_, 0, {{0}}, "other namespaces"},
    {SCMP_SYS(bpf), EPERM_, 0, {{0}}, "BPF programs"},
    /* clone3 passes its flags in memory the filter cannot read; ENOSYS makes
     * glibc fall back to clone, whose flags it can. */
    {SCMP_SYS(clone3), SCMP_ACT_ERRNO(ENOSYS), 0, {{0}}, "clone3's unreadable flags"},
    /* One file descriptor table per process: the supervisor finds a thread's
     * sockets through its thread group leader on kernels without
     * PIDFD_THREAD (before 6.9), so no thread may have a table of its own. */
    {SCMP_SYS(clone), EPERM_, 1, {BITS_EQ(0, CLONE_THREAD | CLONE_FILES, CLONE_THREAD)},
     "a thread with file descriptors of its own"},
    {SCMP_SYS(unshare), EPERM_, 1, {BITS_EQ(0, CLONE_FILES, CLONE_FILES)}, "unsharing the descriptor table"},
    {SCMP_SYS(close_range), SCMP_ACT_ERRNO(EINVAL), 1, {BITS_EQ(2, CLOSE_RANGE_UNSHARE, CLOSE_RANGE_UNSHARE)},
     "unsharing the descriptor table (EINVAL: as a kernel without the flag)"},
};

/* Unless the profile allows them (browsers' own sandboxes). */
static const struct rule namespace_rules[] = {
    {SCMP_SYS(unshare), EPERM_, 1, {BITS_EQ(0, CLONE_NEWUSER, CLONE_NEWUSER)}, "user namespaces"},
    {SCMP_SYS(clone), EPERM_, 1, {BITS_EQ(0, CLONE_NEWUSER, CLONE_NEWUSER)}, "user namespaces"},
    {SCMP_SYS(unshare), EPERM_, 1, {BITS_EQ(0, CLONE_NEWNET, CLONE_NEWNET)}, "network namespaces"},
    {SCMP_SYS(clone), EPERM_, 1, {BITS_EQ(0, CLONE_NEWNET, CLONE_NEWNET)}, "network namespaces"},
};

/* Tor mode with a datagram island (no lan = allow): the supervisor makes
 * every IPv4 datagram socket, in the island, where no datagram has a way
 * out but to the DNS guard; no call on a socket needs to reach it. */
static const struct rule tor_island_rules[] = {
    {SCMP_SYS(socket), SCMP_ACT_NOTIFY, 2, {INT_EQ(0, AF_INET), BITS_EQ(1, 0xf, SOCK_DGRAM)},
     "IPv4 datagram sockets: made in the datagram island"},
};

/* Tor mode with lan = allow, whose datagrams go to the LAN from the
 * sandbox's own namespace: every call that can name a datagram's
 * destination goes to the supervisor. sendto() without an address cannot. */
static const struct rule tor_rules[] = {
    {SCMP_SYS(connect), SCMP_ACT_NOTIFY, 0, {{0}}, "a datagram socket's destination"},
    {SCMP_SYS(sendto), SCMP_ACT_NOTIFY, 1, {SCMP_A4(SCMP_CMP_NE, 0)}, "a datagram's destination"},
    {SCMP_SYS(sendmsg), SCMP_ACT_NOTIFY, 0, {{0}}, "a datagram's destination"},
    {SCMP_SYS(sendmmsg), SCMP_ACT_NOTIFY, 0, {{0}}, "datagrams' destinations"},
};

/* I2P mode: the router's proxies are TCP; no IPv4 datagram at all. */
static const struct rule i2p_rules[] = {
    {SCMP_SYS(socket), EPERM_, 2, {INT_EQ(0, AF_INET), BITS_EQ(1, 0xf, SOCK_DGRAM)}, "datagrams"},
};

static void add_rules(scmp_filter_ctx ctx, const struct rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = seccomp_rule_add_array(ctx, rules[i].action, rules[i].nr, rules[i].count, rules[i].cmp);
        if (rc < 0)
            die("cannot build the seccomp filter (%s): %s", rules[i].why, strerror(-rc));
    }
}

static bool family_allowed(int family)
{
    for (size_t i = 0; i < N_ELEMENTS(allowed_families); i++)
        if (allowed_families[i] == family)
            return true;
    return false;
}

/* socket() and socketpair(): any family but the allowed ones is refused with
 * EAFNOSUPPORT, so that applications fall back at once. */
static void restrict_families(scmp_filter_ctx ctx, int nr)
{
    struct rule r = {nr, SCMP_ACT_ERRNO(EAFNOSUPPORT), 1, {{0}}, "socket families"};
    for (int family = 0; family < AF_MAX; family++) {
        if (family_allowed(family))
            continue;
        r.cmp[0] = INT_EQ(0, family);
        add_rules(ctx, &r, 1);
    }
    /* Families the kernel may add later, and any value with high bits set
     * (compared on 64 bits: it refuses more, never less). */
    r.cmp[0] = SCMP_A0(SCMP_CMP_GE, AF_MAX);
    add_rules(ctx, &r, 1);
}

scmp_filter_ctx seccomp_rules_context(enum net_mode mode, bool allow_user_namespaces, bool datagram_island)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx)
        die("cannot build the seccomp filter: out of memory");
    /* Only the native ABI: 32-bit and x32 system calls (socketcall and the
     * rest) kill the process instead of slipping past rules written for
     * x86_64 numbers. */
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc < 0)
        die("cannot build the seccomp filter: %s", strerror(-rc));
    restrict_families(ctx, SCMP_SYS(socket));
    restrict_families(ctx, SCMP_SYS(socketpair));
    add_rules(ctx, base_rules, N_ELEMENTS(base_rules));
    if (!allow_user_namespaces)
        add_rules(ctx, namespace_rules, N_ELEMENTS(namespace_rules));
    if (mode == MODE_TOR && datagram_island)
        add_rules(ctx, tor_island_rules, N_ELEMENTS(tor_island_rules));
    if (mode == MODE_TOR && !datagram_island)
        add_rules(ctx, tor_rules, N_ELEMENTS(tor_rules));
    if (mode == MODE_I2P)
        add_rules(ctx, i2p_rules, N_ELEMENTS(i2p_rules));
    return ctx;
}
