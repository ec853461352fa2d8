/* Which sockets are bound in this network namespace. */
#ifndef TORGATE_BOUND_H
#define TORGATE_BOUND_H

#include <stdbool.h>

#include "config.h"

/* Is a socket bound to ep (or to 0.0.0.0 and its port): table "tcp"
 * (listening only, if listening) or "udp". Reads /proc/self/net/TABLE, which
 * walks the kernel's whole socket table: not for every launch. */
bool endpoint_bound(const char *table, const struct endpoint4 *ep, bool listening);

#endif
