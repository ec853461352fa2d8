/* Which sockets are bound in this network namespace. */
#ifndef TORGATE_BOUND_H
#define TORGATE_BOUND_H

#include <stdbool.h>

#include "config.h"

/* Is a socket bound to ep (or to 0.0.0.0 and its port): table "tcp"
 * (listening only, if listening) or "udp". Asks the kernel (sock_diag);
 * false also when it cannot be asked. */
bool endpoint_bound(const char *table, const struct endpoint4 *ep, bool listening);

#endif
