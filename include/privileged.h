/* Every step that needs a capability, in one place. Each raises just the
 * capabilities it needs around its own system calls and lowers them again
 * (caps.c does the raising), so that a reader finds here the whole reach of
 * the binary's privilege, step by step.
 *
 * All of it runs in one process: the launcher and the sandbox's first
 * process, before COMMAND exists. Their inputs while privileged are root's
 * files (the configuration, system profiles), the caller's checked choices
 * and the host's state; what the app controls reaches only the sandbox's
 * init, which holds nothing. A separate privileged helper would add a
 * channel to attack and no boundary that is not already there. */
#ifndef TORGATE_PRIVILEGED_H
#define TORGATE_PRIVILEGED_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "link.h"
#include "plan.h"
#include "pool.h"
#include "ruleset.h"

struct mount_attr;

/* Host side, in the launcher. */
/* A NETLINK_ROUTE socket whose opener holds CAP_NET_ADMIN (the kernel
 * checks the opener as well as the sender). */
struct nl_sock *priv_netlink_open(void);
/* torgate's table, before any link it governs exists. CAP_NET_ADMIN. */
void priv_install_firewall(const struct torgate_config *cfg);
/* The forwarding lease, then the uplinks' forwarding, guard first. The
 * lease is held until priv_claim_link(). CAP_NET_ADMIN. */
void priv_begin_forwarding(struct nl_sock *sk);
/* Children of the launcher are born in a new PID namespace. CAP_SYS_ADMIN. */
void priv_new_pid_namespace(void);
/* The slot's veth, its settings, its host services; the lease given back.
 * CAP_NET_ADMIN. */
void priv_claim_link(struct nl_sock *sk, const struct plan *plan, pid_t sandbox_pid, struct slot *slot);
/* After the sandbox that needed forwarding: the uplinks' forwarding off if
 * it was the last (lease held meanwhile). CAP_NET_ADMIN, which the
 * launcher kept permitted for this. */
void priv_end_forwarding(const char *ifname);
/* Adds n automapped addresses to a sandbox's set automapped, over nl
 * (sandbox_automap_grant()); 0 or a negative errno. CAP_NET_ADMIN, which
 * the launcher of a tor sandbox kept permitted for this. */
int priv_automap_grant(int nl, const uint32_t *addrs, unsigned n);
/* Cleanup paths (atexit): never dies. CAP_NET_ADMIN. */
void priv_undo_link(struct nl_sock *sk, const char *ifname);
void priv_give_lease(void);
/* torgate remove-firewall: torgate's table deleted if no sandbox link
 * exists, the uplinks' forwarding it had turned on turned off first (the
 * lease held meanwhile); written again for cfg if a link appeared
 * meanwhile. *links: how many sandbox links kept it. CAP_NET_ADMIN. */
enum firewall_removal { FIREWALL_ABSENT, FIREWALL_REMOVED, FIREWALL_IN_USE };
enum firewall_removal priv_remove_firewall(const struct torgate_config *cfg, unsigned *links);
/* torgate restore-firewall: with sandbox links on the host, the table
 * written for cfg; where one is forwarded for, every uplink back in
 * uplinks, and each that forwards in forward_guard (which uplinks torgate
 * itself turned on was in the flushed set: guarding them all never leaves a
 * router open). Returns how many sandbox links there are. CAP_NET_ADMIN. */
unsigned priv_restore_firewall(const struct torgate_config *cfg);
/* torgate check: whether the host hardening table is there, and whether it
 * is the fallback (it has the chain fallback_chain). CAP_NET_ADMIN if the
 * binary has it. */
enum host_table { HOST_TABLE_ABSENT, HOST_TABLE_FULL, HOST_TABLE_FALLBACK };
enum host_table priv_host_table_loaded(const char *table, const char *fallback_chain);

/* A tmpfs of the user's (mode 0700), attached nowhere: the helpers'
 * sockets. Returns its mount's descriptor. CAP_SYS_ADMIN. */
int priv_detached_tmpfs(void);
/* A helper's own UTS namespace, named as the sandbox's machine: what it
 * tells the app (PulseAudio's "Host Name") names nothing. CAP_SYS_ADMIN. */
void priv_own_hostname(const char *hostname);

/* Sandbox side, in its first process. */
/* Its network and mount namespaces, and with hostname a UTS namespace of
 * its own named so. CAP_SYS_ADMIN. */
void priv_sandbox_namespaces(const char *hostname);
/* Its addresses, routes and per-namespace sysctls, and its nat table
 * (ruleset_render_sandbox_nat(); nat's gateway is the slot's). CAP_NET_ADMIN. */
void priv_sandbox_network(const struct slot *slot, struct sandbox_nat nat);
/* A netlink socket of the sandbox's network namespace whose opener held
 * CAP_NET_ADMIN, for its launcher to write its set automapped with
 * (sandbox_nat_socket()). Dies on failure. CAP_NET_ADMIN. */
int priv_sandbox_nat_socket(void);
/* n TCP sockets (non-blocking, close-on-exec) that carry mark, which no
 * process without CAP_NET_ADMIN can set: the SOCKS guard's (socks_guard.h).
 * Dies on failure. CAP_NET_ADMIN. */
void priv_marked_sockets(int *fds, size_t n, uint32_t mark);
/* The calling process (the datagram island's maker) in a network namespace
 * of its own: lo up, and ports from 53 up open to a process without
 * capabilities, in that namespace alone (the DNS guard's socket is bound
 * to port 53 there). Before the sandbox's mounts, which make /proc/sys
 * read-only. CAP_SYS_ADMIN, then CAP_NET_ADMIN. */
void priv_datagram_island(void);
/* Then the gateway's address (host order) on its lo. CAP_NET_ADMIN. */
void priv_island_gateway(uint32_t address);
/* One mount(2), umount2(2) or mount_setattr(2), as mounts.c asks for it;
 * false with errno. CAP_SYS_ADMIN. */
bool priv_mount(const char *source, const char *target, const char *type, unsigned long flags, const void *data);
bool priv_umount(const char *target);
bool priv_mount_setattr(const char *path, const struct mount_attr *attr);
/* move_mount(2) of a detached mount onto target; false with errno.
 * CAP_SYS_ADMIN. */
bool priv_attach_mount(int mount_fd, const char *target);

/* Every capability gone, everywhere (caps_drop_all). CAP_SETPCAP. */
void priv_drop_all(void);
/* The launcher of a sandbox the host forwards for: CAP_NET_ADMIN only,
 * permitted, for priv_end_forwarding(); then none. */
void priv_keep_net_admin(void);
void priv_drop_all_quietly(void);

#endif
