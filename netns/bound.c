/* Which sockets are bound in this network namespace, from /proc/self/net. */
#include "bound.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "util.h"

/* Is something bound to ep in this network namespace? /proc/net/{tcp,udp}
 * list sockets with addresses in hex (network order, as the host prints it). */
bool endpoint_bound(const char *table, const struct endpoint4 *ep, bool listening)
{
    autofree char *path = xasprintf("/proc/self/net/%s", table);
    autofclose FILE *f = fopen(path, "re");
    char line[512];
    unsigned want_addr = htonl(ep->addr);
    while (f && fgets(line, sizeof line, f)) {
        unsigned addr, port, state;
        if (sscanf(line, " %*d: %x:%x %*x:%*x %x", &addr, &port, &state) != 3)
            continue;
        if (port == ep->port && (addr == want_addr || addr == 0) && (!listening || state == 0x0A))
            return true;
    }
    return false;
}
