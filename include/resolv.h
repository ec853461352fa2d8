/* What a sandbox finds in /etc/resolv.conf. */
#ifndef TORGATE_RESOLV_H
#define TORGATE_RESOLV_H

#include <stdbool.h>

#include "plan.h"
#include "pool.h"

/* The gateway in tor mode, the clearnet resolvers in clearnet mode. */
char *resolv_conf_render(const struct plan *plan, const struct slot *slot);
/* Reads the clearnet resolvers file into "nameserver A" lines (IPv4, not
 * loopback: a sandbox cannot reach the host). Dies naming file:line. */
char *clearnet_resolvers_read(const char *path);
/* The same, from text already read; false with *err. */
bool clearnet_resolvers_parse(const char *text, const char *path, char **lines, char **err);

#endif
