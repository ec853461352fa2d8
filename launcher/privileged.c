/* See privileged.h. Nothing here decides: the plan has. */
#include "privileged.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>

#include "caps.h"
#include "firewall.h"
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
    uplinks_enable_forwarding(sk);
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
    if (plan->profile->services.count)
        firewall_grant_services(host_link_index(sk, slot), &plan->profile->services);
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
    forwarding_settle(sk, NULL);
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

bool priv_host_table_loaded(const char *table)
{
    /* Checked against the netlink socket's opener: raised before
     * libnftables opens it. Without the capability, the answer is no. */
    bool raised = caps_try_raise(CAPS_NET_ADMIN);
    bool loaded = firewall_table_exists(table);
    if (raised)
        caps_lower();
    return loaded;
}

void priv_sandbox_namespaces(void)
{
    caps_raise(CAPS_SYS_ADMIN);
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0)
        die_with_error("cannot create the sandbox's network and mount namespaces");
    caps_lower();
}

void priv_sandbox_network(const struct slot *slot)
{
    caps_raise(CAPS_NET_ADMIN);
    network_sysctls();
    if (slot->index == NO_SLOT)
        sandbox_loopback_only();
    else
        sandbox_link_configure(slot);
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

void priv_drop_all(void) { caps_drop_all(); }

void priv_keep_net_admin(void) { caps_keep_net_admin(); }

void priv_drop_all_quietly(void) { caps_drop_quietly(); }
