/* torgate.conf: where Tor listens, which addresses sandboxes get, and where the
 * clearnet resolvers are listed. */
#ifndef TORGATE_CONFIG_H
#define TORGATE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct endpoint4 {
    uint32_t addr; /* host byte order */
    uint16_t port;
};

struct prefix4 {
    uint32_t addr; /* host byte order, host bits zero */
    unsigned len;
};

struct torgate_config {
    struct endpoint4 trans_port;
    struct endpoint4 dns_port;
    struct endpoint4 socks_port;
    struct endpoint4 http_tunnel_port; /* port 0: not configured */
    struct endpoint4 control_port;     /* for torgate check only */
    char *control_cookie;
    char *tor_user; /* whom tor runs as: it alone connects to sandboxes' onion services */
    char *new_circuit_socket; /* where the control port filter takes torgate new-circuit's requests */
    struct endpoint4 i2p_http_proxy;
    struct endpoint4 i2p_https_proxy;
    struct endpoint4 i2p_sam;
    struct prefix4 pool;
    struct endpoint4 dns_resolver; /* [dns] resolver, for dns-types = all; port 0: none */
    char *clearnet_resolv_conf;
    char *clearnet_group; /* NULL: clearnet for nobody */
    char *session_read_only; /* the administrator's additions to session.c's list; NULL: none */
};

/* Tails' defaults (TransPort 9040, DNSPort 5353, SocksPort 9050). */
void config_set_defaults(struct torgate_config *cfg);
/* Reads one torgate.conf over the defaults; false with *err naming file:line. */
bool config_load(struct torgate_config *cfg, FILE *file, const char *name, char **err);
bool config_load_string(struct torgate_config *cfg, const char *text, const char *name, char **err);
/* Checks that hold across keys (the pool avoids Tor's automap range, ...). */
bool config_validate(const struct torgate_config *cfg, const char *name, char **err);
void config_clear(struct torgate_config *cfg);

/* Value parsers, shared with profiles and unit-tested on their own. */
bool parse_endpoint4(const char *value, void *target, char **why);
bool parse_prefix4(const char *value, void *target, char **why);
bool parse_path(const char *value, void *target, char **why);
bool parse_group_name(const char *value, void *target, char **why);
/* value is yes (*out true) or no (false), else *why names both. */
bool parse_two(const char *value, bool *out, const char *yes, const char *no, char **why);
bool parse_allow_deny(const char *value, void *target, char **why); /* bool */
bool parse_yes_no(const char *value, void *target, char **why);     /* bool */
bool parse_port(const char *value, void *target, char **why);       /* uint16_t, 1 to 65535 */

/* "a.b.c.d" of a host-order address, written into buf. */
const char *format_addr4(uint32_t addr, char buf[16]);

#endif
