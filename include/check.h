/* torgate check: is this machine ready, and what to fix. */
#ifndef TORGATE_CHECK_H
#define TORGATE_CHECK_H

#include <stdbool.h>

#include "config.h"

/* Prints one line per item ("ok", "FAIL ... : how to fix", or "skip ...")
 * and returns 0 only when nothing failed. Makes no change to the host. */
int check_run(const struct torgate_config *cfg);

/* Is a socket bound to ep (or to 0.0.0.0 and its port) in this network
 * namespace: table "tcp" (listening only, if listening) or "udp". */
bool endpoint_bound(const char *table, const struct endpoint4 *ep, bool listening);

#endif
