/* What a sandbox finds in /etc/resolv.conf. */
#include "resolv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "text.h"
#include "util.h"

/* IPv6 is off in every sandbox, so an AAAA answer is an address nothing can
 * reach: Tor's DNSPort would even automap an .onion name to an IPv6 address
 * first for `getent hosts`. glibc (2.36 and later) then asks for A records
 * only; programs with resolvers of their own still fall back to IPv4. */
#define NO_AAAA "options no-aaaa\n"

char *resolv_conf_render(const struct plan *plan, const struct slot *slot)
{
    if (plan->dns == DNS_CLEARNET)
        return xstrdup(plan->clearnet_resolvers);
    if (plan->dns == DNS_NONE)
        return xstrdup("# torgate: no resolver in this sandbox (dns = none)\n");
    char gw[16];
    /* Tor's DNSPort, reached at the gateway; glibc asks nothing else. */
    return xasprintf("# torgate: DNS through Tor's DNSPort\nnameserver %s\n" NO_AAAA, format_addr4(slot->gateway, gw));
}

static bool nameserver_line(const char *line, char addr[64])
{
    return sscanf(line, " nameserver %63s", addr) == 1;
}

bool clearnet_resolvers_parse(const char *text, const char *path, char **lines, char **err)
{
    struct text t;
    text_open(&t);
    text_puts(&t, "# torgate: the clearnet resolvers\n");
    int lineno = 0, found = 0;
    bool ok = true;
    for (const char *p = text; *p && ok;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        autofree char *line = strndup(p, n);
        char addr[64];
        struct in_addr in;
        lineno++;
        p += n + (nl ? 1 : 0);
        if (!line)
            die("out of memory");
        if (!nameserver_line(line, addr))
            continue;
        if (inet_pton(AF_INET, addr, &in) != 1)
            continue; /* IPv6 resolvers: IPv6 is off in sandboxes */
        if ((ntohl(in.s_addr) >> 24) == 127) {
            *err = xasprintf("%s:%d: nameserver %s is on the host's loopback, which a clearnet sandbox cannot "
                             "reach: name the network's resolvers (for systemd-resolved, use "
                             "/run/systemd/resolve/resolv.conf)",
                             path, lineno, addr);
            ok = false;
            break;
        }
        text_printf(&t, "nameserver %s\n", addr);
        found++;
    }
    if (ok)
        text_puts(&t, NO_AAAA);
    char *out = text_close(&t);
    if (ok && !found) {
        *err = xasprintf("%s: names no IPv4 nameserver for clearnet sandboxes", path);
        ok = false;
    }
    if (!ok) {
        free(out);
        return false;
    }
    *lines = out;
    return true;
}

char *clearnet_resolvers_read(const char *path)
{
    autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        die_with_error("cannot read the clearnet resolvers file %s (set [clearnet] resolv-conf in torgate.conf)",
                       path);
    char buf[16384];
    size_t len;
    if (!read_bounded(fd, buf, sizeof buf, &len))
        die_with_error("cannot read %s", path);
    if (len == sizeof buf - 1)
        die("%s is larger than %zu bytes; it is not a resolv.conf", path, sizeof buf - 2);
    char *lines = NULL;
    autofree char *err = NULL;
    if (!clearnet_resolvers_parse(buf, path, &lines, &err))
        die("%s", err);
    return lines;
}
