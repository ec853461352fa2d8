/* The sandbox's own nat table (ruleset.h: struct sandbox_nat), written in
 * its network namespace with libnftnl, in one netlink batch.
 *
 * ruleset_render_sandbox_nat() gives the same rules as nft text, which
 * --explain prints and the tests compare with what the kernel lists.
 * libnftables would take that text, but before it writes a table it builds
 * a cache of half a megabyte for it: 4 to 6 ms of every launch, as
 * measured, where this batch takes a tenth of a millisecond. */
#ifndef TORGATE_SANDBOX_NAT_H
#define TORGATE_SANDBOX_NAT_H

#include <stdint.h>

#include "ruleset.h"

/* Needs CAP_NET_ADMIN over the sandbox's network namespace; dies, saying
 * why, if the kernel refuses the table. Nothing when the sandbox needs no
 * table. */
void sandbox_nat_write(const struct sandbox_nat *nat);

/* A netlink socket of the calling process's network namespace, for
 * sandbox_automap_grant() later, by whoever holds it then; -1 (errno). The
 * kernel checks CAP_NET_ADMIN of its opener too: open it while that is
 * effective. */
int sandbox_nat_socket(void);

/* Adds n addresses of Tor's automap range (host order, at most
 * AUTOMAP_GRANT_MAX) to the sandbox's set automapped, over fd (from
 * sandbox_nat_socket(), in the sandbox); needs CAP_NET_ADMIN. 0, or a
 * negative errno (-EINVAL: an address outside the range; -ENFILE: the set
 * is full). */
#define AUTOMAP_GRANT_MAX 16
int sandbox_automap_grant(int fd, const uint32_t *addrs, unsigned n);

#endif
