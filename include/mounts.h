/* The sandbox's mount namespace. */
#ifndef TORGATE_MOUNTS_H
#define TORGATE_MOUNTS_H

/* Sandbox side: /proc for the new PID namespace; the sandbox's own
 * /etc/resolv.conf and /etc/nsswitch.conf (hosts: files dns), read-only; the
 * host's resolver side doors (nscd, systemd-resolved's varlink, avahi) out of
 * sight; the user's torgate profiles read-only, so that nothing an app
 * writes changes what a later sandbox may do; /proc/sys and /sys read-only. */
void sandbox_mounts(const char *resolv_conf, const char *user_config_dir);

#endif
