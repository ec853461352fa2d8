/* torgate.conf: schema, value parsers and cross-key checks. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "addresses.h"
#include "session.h"
#include "settings.h"
#include "util.h"

static const struct setting config_schema[] = {
    {"tor", "trans-port", parse_endpoint4, offsetof(struct torgate_config, trans_port)},
    {"tor", "dns-port", parse_endpoint4, offsetof(struct torgate_config, dns_port)},
    {"tor", "socks-port", parse_endpoint4, offsetof(struct torgate_config, socks_port)},
    {"tor", "http-tunnel-port", parse_endpoint4, offsetof(struct torgate_config, http_tunnel_port)},
    {"tor", "control-port", parse_endpoint4, offsetof(struct torgate_config, control_port)},
    {"tor", "control-cookie", parse_path, offsetof(struct torgate_config, control_cookie)},
    {"tor", "user", parse_group_name, offsetof(struct torgate_config, tor_user)},
    {"control-filter", "new-circuit-socket", parse_path, offsetof(struct torgate_config, new_circuit_socket)},
    {"i2p", "http-proxy", parse_endpoint4, offsetof(struct torgate_config, i2p_http_proxy)},
    {"i2p", "https-proxy", parse_endpoint4, offsetof(struct torgate_config, i2p_https_proxy)},
    {"i2p", "sam", parse_endpoint4, offsetof(struct torgate_config, i2p_sam)},
    {"network", "pool", parse_prefix4, offsetof(struct torgate_config, pool)},
    {"dns", "resolver", parse_endpoint4, offsetof(struct torgate_config, dns_resolver)},
    {"clearnet", "resolv-conf", parse_path, offsetof(struct torgate_config, clearnet_resolv_conf)},
    {"clearnet", "group", parse_group_name, offsetof(struct torgate_config, clearnet_group)},
    {"session", "read-only", parse_startup_paths, offsetof(struct torgate_config, session_read_only)},
};

void config_set_defaults(struct torgate_config *cfg)
{
    *cfg = (struct torgate_config){
        .trans_port = {0x7F000001u, 9040},
        .dns_port = {0x7F000001u, 5353},
        .socks_port = {0x7F000001u, 9050},
        .control_port = {0x7F000001u, 9051},
        .control_cookie = xstrdup("/run/tor/control.authcookie"),
        .tor_user = xstrdup("debian-tor"),
        .new_circuit_socket = xstrdup("/run/torgate-control/new-circuit"),
        .i2p_http_proxy = {0x7F000001u, 4444},
        .i2p_https_proxy = {0x7F000001u, 4445},
        .i2p_sam = {0x7F000001u, 7656},
        .pool = {0x0A760000u, 16}, /* 10.118.0.0/16 */
        .clearnet_resolv_conf = xstrdup(TORGATE_SYSCONFDIR "/torgate/clearnet-resolv.conf"),
    };
}

void config_clear(struct torgate_config *cfg)
{
    free(cfg->clearnet_resolv_conf);
    free(cfg->clearnet_group);
    free(cfg->control_cookie);
    free(cfg->tor_user);
    cfg->tor_user = NULL;
    free(cfg->new_circuit_socket);
    cfg->new_circuit_socket = NULL;
    free(cfg->session_read_only);
    cfg->control_cookie = cfg->session_read_only = NULL;
    cfg->clearnet_resolv_conf = cfg->clearnet_group = NULL;
}

bool config_load(struct torgate_config *cfg, FILE *file, const char *name, char **err)
{
    int lines[N_ELEMENTS(config_schema)];
    return settings_load(file, name, config_schema, N_ELEMENTS(config_schema), cfg, lines, err);
}

bool config_load_string(struct torgate_config *cfg, const char *text, const char *name, char **err)
{
    int lines[N_ELEMENTS(config_schema)];
    return settings_load_string(text, name, config_schema, N_ELEMENTS(config_schema), cfg, lines, err);
}

static bool overlaps(struct prefix4 a, uint32_t b_addr, unsigned b_len)
{
    unsigned len = a.len < b_len ? a.len : b_len;
    uint32_t mask = len ? ~0u << (32 - len) : 0;
    return (a.addr & mask) == (b_addr & mask);
}

bool config_validate(const struct torgate_config *cfg, const char *name, char **err)
{
    const struct {
        uint32_t addr;
        unsigned len;
        const char *what;
    } reserved[] = {
        {tor_automap.addr, tor_automap.len, "Tor's automap range 10.192.0.0/10"},
        {0x7F000000u, 8, "loopback 127.0.0.0/8"},
        {0x00000000u, 8, "0.0.0.0/8"},
        {0xA9FE0000u, 16, "link-local 169.254.0.0/16"},
        {0xE0000000u, 3, "multicast and reserved 224.0.0.0/3"},
    };
    for (size_t i = 0; i < N_ELEMENTS(reserved); i++) {
        if (overlaps(cfg->pool, reserved[i].addr, reserved[i].len)) {
            *err = xasprintf("%s: [network] pool overlaps %s: choose another private range", name,
                             reserved[i].what);
            return false;
        }
    }
    return true;
}

const char *format_addr4(uint32_t addr, char buf[16])
{
    struct in_addr in = {htonl(addr)};
    return inet_ntop(AF_INET, &in, buf, 16);
}

static bool parse_addr4(const char *text, uint32_t *addr)
{
    struct in_addr in;
    if (inet_pton(AF_INET, text, &in) != 1)
        return false;
    *addr = ntohl(in.s_addr);
    return true;
}

bool parse_two(const char *value, bool *out, const char *yes, const char *no, char **why)
{
    if (strcmp(value, yes) == 0)
        *out = true;
    else if (strcmp(value, no) == 0)
        *out = false;
    else {
        *why = xasprintf("expected %s or %s", yes, no);
        return false;
    }
    return true;
}

bool parse_allow_deny(const char *value, void *target, char **why)
{
    return parse_two(value, target, "allow", "deny", why);
}

bool parse_yes_no(const char *value, void *target, char **why)
{
    return parse_two(value, target, "yes", "no", why);
}

static bool parse_uint(const char *text, unsigned long max, unsigned long *out)
{
    if (*text < '0' || *text > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

bool parse_port(const char *value, void *target, char **why)
{
    unsigned long port;
    if (!parse_uint(value, 65535, &port) || port == 0) {
        *why = xstrdup("expected a port, 1 to 65535");
        return false;
    }
    *(uint16_t *)target = (uint16_t)port;
    return true;
}

/* "A.B.C.D" up to sep (a pointer into value, or NULL if there is none):
 * the address into *addr, and what follows sep; NULL with *why. */
static const char *addr4_before(const char *value, const char *sep, const char *usage, uint32_t *addr, char **why)
{
    char buf[64];
    if (!sep || (size_t)(sep - value) >= sizeof buf) {
        *why = xstrdup(usage);
        return NULL;
    }
    memcpy(buf, value, (size_t)(sep - value));
    buf[sep - value] = '\0';
    if (!parse_addr4(buf, addr)) {
        *why = xasprintf("'%s' is not an IPv4 address", buf);
        return NULL;
    }
    return sep + 1;
}

bool parse_endpoint4(const char *value, void *target, char **why)
{
    struct endpoint4 *ep = target;
    unsigned long port;
    const char *rest = addr4_before(value, strrchr(value, ':'), "expected IPv4-ADDRESS:PORT, such as 127.0.0.1:9040",
                                    &ep->addr, why);
    if (!rest)
        return false;
    if (!parse_uint(rest, 65535, &port) || port == 0) {
        *why = xstrdup("port must be a number from 1 to 65535");
        return false;
    }
    ep->port = (uint16_t)port;
    return true;
}

bool parse_prefix4(const char *value, void *target, char **why)
{
    struct prefix4 *p = target;
    unsigned long len;
    const char *rest =
        addr4_before(value, strchr(value, '/'), "expected an IPv4 CIDR such as 10.118.0.0/16", &p->addr, why);
    if (!rest)
        return false;
    /* A sandbox takes a /30: the pool must hold at least one. */
    if (!parse_uint(rest, 30, &len) || len < 8) {
        *why = xstrdup("prefix length must be from 8 to 30");
        return false;
    }
    p->len = (unsigned)len;
    uint32_t mask = ~0u << (32 - p->len);
    if (p->addr & ~mask) {
        *why = xstrdup("host bits are set; give the network address");
        return false;
    }
    return true;
}

bool parse_path(const char *value, void *target, char **why)
{
    char **path = target;
    if (value[0] != '/' || strlen(value) >= PATH_MAX) {
        *why = xstrdup("expected an absolute path");
        return false;
    }
    free(*path);
    *path = xstrdup(value);
    return true;
}

bool parse_group_name(const char *value, void *target, char **why)
{
    char **group = target;
    size_t len = strlen(value);
    bool ok = len > 0 && len <= 32 && !(value[0] >= '0' && value[0] <= '9') && value[0] != '-';
    for (const char *c = value; ok && *c; c++)
        ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ||
             *c == '-' || *c == '.';
    if (!ok) {
        *why = xstrdup("expected a user or group name");
        return false;
    }
    free(*group);
    *group = xstrdup(value);
    return true;
}
