/* See privileged.h. Nothing here decides: the plan has. */
#include "privileged.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "caps.h"
#include "firewall.h"
#include "ruleset.h"
#include "sandbox_nat.h"
#include "sysctl.h"
#include "util.h"

/* Per network namespace: IPv6 off (Tor does not carry it), Packetization
 * Layer PMTUD on (Tor drops ICMP, so classic PMTUD is broken), and no
 * automatic conntrack helpers on kernels that still have that switch. */
static void network_sysctls(void)
{
    sysctl_write_optional("net/ipv6/conf/all/disable_ipv6", "1");
    sysctl_write_optional("net/ipv6/conf/default/disable_ipv6", "1");
    sysctl_write_optional("net/ipv6/conf/lo/disable_ipv6", "1");
    sysctl_write_optional("net/ipv6/conf/" SANDBOX_IFNAME "/disable_ipv6", "1");
    sysctl_write("net/ipv4/tcp_mtu_probing", "1");
    sysctl_write_optional("net/netfilter/nf_conntrack_helper", "0");
}

/* The uplinks' forwarding, for clearnet and lan = allow. On, each uplink is
 * put in forward_guard first: if torgate dies in between, the guard stays
 * and nothing but clearnet sandboxes is ever forwarded from it. Off, once no
 * sandbox needs it, forwarding first and the guard after: dying in between
 * leaves the guard over a link that does not forward. The guard marks the
 * uplinks whose forwarding torgate turned on; an uplink that forwarded
 * before is left as it was. Both with the forwarding lease held. */
static void forward_uplinks(struct nl_sock *sk)
{
    struct uplink uplinks[8];
    size_t n = uplinks_find(sk, uplinks, N_ELEMENTS(uplinks));
    if (!n)
        die("clearnet needs an uplink, but the host has no IPv4 default route: connect to a network first");
    for (size_t i = 0; i < n; i++) {
        firewall_add_uplink(uplinks[i].name, !uplinks[i].forwarding);
        if (uplinks[i].forwarding)
            continue;
        link_set_forwarding(sk, uplinks[i].name, true);
        debug("forwarding enabled on uplink %s", uplinks[i].name);
    }
}

static void settle_forwarding(struct nl_sock *sk, const char *except)
{
    if (link_census(sk, except).sandbox_forwards)
        return;
    char guarded[8][16];
    size_t n = firewall_guarded_uplinks(guarded, N_ELEMENTS(guarded));
    for (size_t i = 0; i < n; i++) {
        link_set_forwarding(sk, guarded[i], false);
        firewall_remove_guard(guarded[i]);
        debug("forwarding disabled again on uplink %s", guarded[i]);
    }
}

struct nl_sock *priv_netlink_open(void)
{
    caps_raise(CAPS_NET_ADMIN);
    struct nl_sock *sk = netlink_open();
    caps_lower();
    return sk;
}

void priv_install_firewall(const struct torgate_config *cfg)
{
    caps_raise(CAPS_NET_ADMIN);
    firewall_install(cfg);
    caps_lower();
}

void priv_begin_forwarding(struct nl_sock *sk)
{
    caps_raise(CAPS_NET_ADMIN);
    firewall_lease_take();
    forward_uplinks(sk);
    caps_lower();
}

void priv_new_pid_namespace(void)
{
    caps_raise(CAPS_SYS_ADMIN);
    if (unshare(CLONE_NEWPID) != 0)
        die_with_error("cannot create a PID namespace");
    caps_lower();
}

void priv_claim_link(struct nl_sock *sk, const struct plan *plan, pid_t sandbox_pid, struct slot *slot)
{
    caps_raise(CAPS_NET_ADMIN);
    host_link_create(sk, &plan->cfg->pool, sandbox_pid, &plan->link, slot);
    /* The table was written before this link existed, and something may
     * have deleted it since (nft flush ruleset; remove-firewall, which
     * counts links again after it deletes): written again, before COMMAND
     * runs. When it is there, this is one cheap query. */
    firewall_install(plan->cfg);
    /* Forwarding a launcher that died (SIGKILL) left on: turned off again
     * by the next launcher that is not forwarded for itself. One netlink
     * question where no uplink is guarded (nothing to settle), the host's
     * links counted where one is. */
    if (!plan->uplink_forwarding && firewall_forward_guard_in_use()) {
        struct link_census census = link_census(sk, NULL);
        if (!census.sandbox_forwards && census.some_link_forwards) {
            firewall_lease_take();
            settle_forwarding(sk, NULL);
            firewall_lease_give();
        }
    }
    if (plan->services.count || plan->control.onion_targets) {
        int ifindex = host_link_index(sk, slot);
        if (plan->services.count)
            firewall_grant_services(ifindex, &plan->services);
        if (plan->control.onion_targets)
            firewall_grant_onion_targets(ifindex, plan->control.tor_uid);
    }
    /* Held since priv_begin_forwarding(), so that a launcher ending
     * meanwhile saw that the uplinks were still needed. */
    if (plan->uplink_forwarding)
        firewall_lease_give();
    caps_lower();
}

void priv_end_forwarding(const char *ifname)
{
    caps_raise(CAPS_NET_ADMIN);
    autonetlink struct nl_sock *sk = netlink_open();
    host_link_wait_gone(sk, ifname);
    firewall_lease_take();
    settle_forwarding(sk, NULL);
    firewall_lease_give();
    caps_lower();
}

void priv_undo_link(struct nl_sock *sk, const char *ifname)
{
    if (caps_try_raise(CAPS_NET_ADMIN))
        host_link_delete(sk, ifname);
}

void priv_give_lease(void)
{
    if (caps_try_raise(CAPS_NET_ADMIN))
        firewall_lease_give();
}

enum firewall_removal priv_remove_firewall(const struct torgate_config *cfg, unsigned *links)
{
    caps_raise(CAPS_NET_ADMIN);
    enum firewall_removal result = FIREWALL_ABSENT;
    *links = 0;
    if (firewall_table_exists(FIREWALL_TABLE)) {
        autonetlink struct nl_sock *sk = netlink_open();
        /* With the lease, no launcher is between turning forwarding on and
         * making its link: the census below sees every sandbox that needs
         * the guard. */
        firewall_lease_take();
        *links = link_census(sk, NULL).sandbox_links;
        if (*links) {
            firewall_lease_give();
            result = FIREWALL_IN_USE;
        } else {
            /* Forwarding first, the guard with the table after: dying in
             * between leaves the guard over links that do not forward. */
            settle_forwarding(sk, NULL);
            firewall_remove();
            result = FIREWALL_REMOVED;
            /* A launcher that made its link after the count finds the
             * table gone and writes it again; one that made it before the
             * delete may have looked already: it is put back for it. */
            *links = link_census(sk, NULL).sandbox_links;
            if (*links) {
                firewall_install(cfg);
                result = FIREWALL_IN_USE;
            }
        }
    }
    caps_lower();
    return result;
}

unsigned priv_restore_firewall(const struct torgate_config *cfg)
{
    caps_raise(CAPS_NET_ADMIN);
    autonetlink struct nl_sock *sk = netlink_open();
    struct link_census census = link_census(sk, NULL);
    if (census.sandbox_links) {
        firewall_install(cfg);
        if (census.sandbox_forwards) {
            struct uplink uplinks[8];
            size_t n = uplinks_find(sk, uplinks, N_ELEMENTS(uplinks));
            for (size_t i = 0; i < n; i++)
                firewall_add_uplink(uplinks[i].name, uplinks[i].forwarding);
        }
    }
    caps_lower();
    return census.sandbox_links;
}

enum host_table priv_host_table_loaded(const char *table, const char *fallback_chain)
{
    /* Checked against the netlink socket's opener: raised before
     * libnftables opens it. Without the capability, the answer is no. */
    bool raised = caps_try_raise(CAPS_NET_ADMIN);
    enum host_table found = !firewall_table_exists(table)                    ? HOST_TABLE_ABSENT
                            : firewall_chain_exists(table, fallback_chain) ? HOST_TABLE_FALLBACK
                                                                            : HOST_TABLE_FULL;
    if (raised)
        caps_lower();
    return found;
}

void priv_sandbox_namespaces(const char *hostname)
{
    caps_raise(CAPS_SYS_ADMIN);
    if (unshare(CLONE_NEWNET | CLONE_NEWNS | (hostname ? CLONE_NEWUTS : 0)) != 0)
        die_with_error("cannot create the sandbox's namespaces");
    if (hostname && sethostname(hostname, strlen(hostname)) != 0)
        die_with_error("cannot name the sandbox's machine");
    caps_lower();
}

void priv_own_hostname(const char *hostname)
{
    caps_raise(CAPS_SYS_ADMIN);
    if (unshare(CLONE_NEWUTS) != 0 || sethostname(hostname, strlen(hostname)) != 0)
        die_with_error("cannot give a helper the sandbox's machine name");
    caps_lower();
}

void priv_sandbox_network(const struct slot *slot, struct sandbox_nat nat)
{
    caps_raise(CAPS_NET_ADMIN);
    network_sysctls();
    if (slot->index == NO_SLOT)
        sandbox_loopback_only();
    else
        sandbox_link_configure(slot);
    if (nat.control_port && slot->index != NO_SLOT)
        sysctl_write("net/ipv4/conf/" SANDBOX_IFNAME "/route_localnet", "1");
    nat.gateway = slot->gateway;
    if (slot->index != NO_SLOT)
        sandbox_nat_write(&nat);
    caps_lower();
}

void priv_datagram_island(void)
{
    caps_raise(CAPS_SYS_ADMIN);
    if (unshare(CLONE_NEWNET) != 0)
        die_with_error("cannot create the sandbox's datagram island");
    caps_lower();
    caps_raise(CAPS_NET_ADMIN);
    sandbox_loopback_only();
    sysctl_write("net/ipv4/ip_unprivileged_port_start", "53");
    caps_lower();
}

void priv_island_gateway(uint32_t address)
{
    caps_raise(CAPS_NET_ADMIN);
    loopback_address_add(address);
    caps_lower();
}

int priv_sandbox_nat_socket(void)
{
    caps_raise(CAPS_NET_ADMIN);
    int fd = sandbox_nat_socket();
    if (fd < 0)
        die_with_error("cannot open the socket that grants the sandbox its automapped addresses");
    caps_lower();
    return fd;
}

int priv_automap_grant(int nl, const uint32_t *addrs, unsigned n)
{
    caps_raise(CAPS_NET_ADMIN);
    int err = sandbox_automap_grant(nl, addrs, n);
    caps_lower();
    return err;
}

void priv_marked_sockets(int *fds, size_t n, uint32_t mark)
{
    caps_raise(CAPS_NET_ADMIN);
    for (size_t i = 0; i < n; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fds[i] < 0 || setsockopt(fds[i], SOL_SOCKET, SO_MARK, &mark, sizeof mark) != 0)
            die_with_error("cannot make the SOCKS guard's sockets");
    }
    caps_lower();
}

bool priv_mount(const char *source, const char *target, const char *type, unsigned long flags, const void *data)
{
    caps_raise(CAPS_SYS_ADMIN);
    int rc = mount(source, target, type, flags, data);
    int err = errno;
    caps_lower();
    errno = err;
    return rc == 0;
}

bool priv_umount(const char *target)
{
    caps_raise(CAPS_SYS_ADMIN);
    int rc = umount2(target, MNT_DETACH);
    int err = errno;
    caps_lower();
    errno = err;
    return rc == 0;
}

bool priv_mount_setattr(const char *path, const struct mount_attr *attr)
{
    caps_raise(CAPS_SYS_ADMIN);
    int rc = mount_setattr(AT_FDCWD, path, AT_RECURSIVE, (struct mount_attr *)attr, sizeof *attr);
    int err = errno;
    caps_lower();
    errno = err;
    return rc == 0;
}

int priv_detached_tmpfs(void)
{
    char uid[16], gid[16];
    snprintf(uid, sizeof uid, "%u", (unsigned)getuid());
    snprintf(gid, sizeof gid, "%u", (unsigned)getgid());
    caps_raise(CAPS_SYS_ADMIN);
    const char *const options[][2] = {
        {"mode", "0700"}, {"uid", uid}, {"gid", gid}, {"size", "1m"}, {"nr_inodes", "256"},
    };
    autoclose int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
    bool ok = fs >= 0;
    for (size_t i = 0; ok && i < N_ELEMENTS(options); i++)
        ok = fsconfig(fs, FSCONFIG_SET_STRING, options[i][0], options[i][1], 0) == 0;
    int mnt = ok && fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0
                  ? fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)
                  : -1;
    if (mnt < 0)
        die_with_error("cannot make a tmpfs for the helpers' sockets (Linux 5.2 or later is needed)");
    caps_lower();
    return mnt;
}

bool priv_attach_mount(int mount_fd, const char *target)
{
    caps_raise(CAPS_SYS_ADMIN);
    int rc = move_mount(mount_fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH);
    int err = errno;
    caps_lower();
    errno = err;
    return rc == 0;
}

void priv_drop_all(void) { caps_drop_all(); }

void priv_keep_net_admin(void) { caps_keep_net_admin(); }

void priv_drop_all_quietly(void) { caps_drop_quietly(); }
