/* Kernel settings of the current network namespace, written through /proc/sys
 * (never by running sysctl(8)). */
#ifndef TORGATE_SYSCTL_H
#define TORGATE_SYSCTL_H

/* key is relative to /proc/sys, e.g. "net/ipv4/tcp_mtu_probing". Dies on failure. */
void sysctl_write(const char *key, const char *value);
/* The same, but a setting the kernel does not have (ENOENT) is skipped: for
 * IPv6 built out, or conntrack's helper switch, gone since Linux 6.0. */
void sysctl_write_optional(const char *key, const char *value);

#endif
