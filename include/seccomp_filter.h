/* The second wall: a seccomp filter (libseccomp) over COMMAND and all it
 * starts, so that a hole in the network namespace or the host's rules does
 * not become a leak on its own. */
#ifndef TORGATE_SECCOMP_FILTER_H
#define TORGATE_SECCOMP_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "profile.h"

struct seccomp_policy {
    enum net_mode mode;
    uint32_t gateway; /* host order: where a tor sandbox's DNS goes */
    bool allow_dns;   /* datagrams to the gateway's port 53 */
    uint16_t socks_port; /* tor mode: the gateway's SocksPort port, which the SOCKS guard serves */
    struct endpoint4 dns_resolver; /* dns-types = all: every other type's resolver; port 0 otherwise */
    bool allow_lan;   /* datagrams to the LAN (addresses.h), but not to its port 53 */
    struct prefix4 pool; /* never the LAN */
    bool allow_user_namespaces;
    /* Tor mode without lan = allow: COMMAND's IPv4 datagram sockets are made
     * in a network namespace with nothing but a loopback (datagram_island.h),
     * instead of each datagram's destination being checked (supervisor.h). */
    bool datagram_island;
};

/* Whether this build's filter can put datagram sockets in an island (the
 * null backend of valgrind and bench builds cannot). */
bool seccomp_filter_has_island(void);

/* Loads the filter into the calling process (no_new_privs must be set) and
 * its future children. In tor mode it returns the listener of the user
 * notifications through which datagram sockets are made in the island, or
 * every datagram's destination is checked (supervisor.h serves it);
 * otherwise -1. Dies if the filter cannot be
 * built or loaded. */
int seccomp_filter_load(const struct seccomp_policy *policy);

#endif
