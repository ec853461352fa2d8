/* The control port filter's allowlists: one file per kind of app, the
 * administrator's, read with the same table-driven parser as torgate.conf. */
#include "control_filter.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "settings.h"
#include "util.h"

const struct control_event control_events[] = {
    {"STREAM", EVENT_OWN_STREAMS, "the app's own streams (where they go, on which circuit)"},
    {"CIRC", EVENT_OWN_CIRCUITS, "the circuits that carry the app's streams (Tor Browser's circuit display)"},
    {"HS_DESC", EVENT_OWN_ONIONS, "the descriptors of the app's own onion services (published or not)"},
    {"STATUS_CLIENT", EVENT_WHOLE, "Tor's bootstrap and whether it can build circuits; never the ones that name "
                                   "what an app asked for (DANGEROUS_SOCKS, SOCKS_BAD_HOSTNAME...)"},
};
const size_t n_control_events = N_ELEMENTS(control_events);

/* A comma-separated list, kept as written; each item checked by check. */
static bool parse_list(const char *value, void *target, char **why, setting_item check)
{
    if (!settings_each_item(value, check, NULL, why))
        return false;
    char **out = target;
    free(*out);
    *out = xstrdup(value);
    return true;
}

static bool getinfo_item(const char *item, size_t len, void *ctx, char **why)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++) {
        if (!isgraph((unsigned char)item[i]) || item[i] == ',') {
            *why = xasprintf("a GETINFO pattern has no space or control character: \"%.*s\"", (int)len, item);
            return false;
        }
    }
    if (!len)
        *why = xstrdup("an empty GETINFO pattern");
    return len > 0;
}

static bool signal_item(const char *item, size_t len, void *ctx, char **why)
{
    (void)ctx;
    static const char *const known[] = {"NEWNYM", "CLEARDNSCACHE", "HEARTBEAT", "ACTIVE", "DORMANT"};
    for (size_t i = 0; i < N_ELEMENTS(known); i++)
        if (strlen(known[i]) == len && strncasecmp(item, known[i], len) == 0)
            return true;
    /* RELOAD, SHUTDOWN, HALT, DUMP, DEBUG... act on the host's tor itself. */
    *why = xasprintf("signal \"%.*s\" cannot be allowed: only NEWNYM, CLEARDNSCACHE, HEARTBEAT, ACTIVE, DORMANT",
                     (int)len, item);
    return false;
}

static bool event_item(const char *item, size_t len, void *ctx, char **why)
{
    (void)ctx;
    for (size_t i = 0; i < n_control_events; i++)
        if (strlen(control_events[i].name) == len && strncasecmp(item, control_events[i].name, len) == 0)
            return true;
    *why = xasprintf("event \"%.*s\" cannot be allowed: only STREAM, CIRC, HS_DESC, STATUS_CLIENT", (int)len, item);
    return false;
}

static bool parse_getinfo(const char *value, void *target, char **why)
{
    return parse_list(value, target, why, getinfo_item);
}

static bool parse_signals(const char *value, void *target, char **why)
{
    return parse_list(value, target, why, signal_item);
}

static bool parse_events(const char *value, void *target, char **why)
{
    return parse_list(value, target, why, event_item);
}

enum { KEY_PORT, KEY_SOCKET, KEY_GETINFO, KEY_SIGNAL, KEY_EVENTS, KEY_ONIONS };
static const struct setting allowlist_schema[] = {
    [KEY_PORT] = {"filter", "port", parse_port, offsetof(struct control_allowlist, port)},
    [KEY_SOCKET] = {"filter", "socket", parse_path, offsetof(struct control_allowlist, socket)},
    [KEY_GETINFO] = {"allow", "getinfo", parse_getinfo, offsetof(struct control_allowlist, getinfo)},
    [KEY_SIGNAL] = {"allow", "signal", parse_signals, offsetof(struct control_allowlist, signals)},
    [KEY_EVENTS] = {"allow", "events", parse_events, offsetof(struct control_allowlist, events)},
    [KEY_ONIONS] = {"allow", "onion-services", parse_yes_no, offsetof(struct control_allowlist, onion_services)},
};

static bool finish(bool ok, const struct control_allowlist *list, const int *lines, const char *name, char **err)
{
    /* A service must lead somewhere: a host user has no address to lead it to. */
    if (ok && list->socket && list->onion_services) {
        *err = xasprintf("%s:%d: onion-services needs a sandbox: give [filter] port, not socket", name,
                         lines[KEY_ONIONS]);
        return false;
    }
    if (ok && !lines[KEY_PORT] == !lines[KEY_SOCKET]) {
        *err = lines[KEY_PORT] ? xasprintf("%s:%d: [filter] has port and socket: give one", name, lines[KEY_SOCKET])
                               : xasprintf("%s: [filter] port is missing: the port the filter listens on for these "
                                           "apps (or socket, a Unix socket for the host's users)", name);
        return false;
    }
    return ok;
}

bool control_allowlist_load(struct control_allowlist *list, FILE *file, const char *name, char **err)
{
    int lines[N_ELEMENTS(allowlist_schema)];
    *list = (struct control_allowlist){0};
    return finish(settings_load(file, name, allowlist_schema, N_ELEMENTS(allowlist_schema), list, lines, err), list,
                  lines, name, err);
}

bool control_allowlist_load_string(struct control_allowlist *list, const char *text, const char *name, char **err)
{
    int lines[N_ELEMENTS(allowlist_schema)];
    *list = (struct control_allowlist){0};
    return finish(settings_load_string(text, name, allowlist_schema, N_ELEMENTS(allowlist_schema), list, lines, err),
                  list, lines, name, err);
}

bool control_allowlist_read(struct control_allowlist *list, const char *dir, const char *name, char **err)
{
    *list = (struct control_allowlist){0};
    autofree char *path = xasprintf("%s/%s.conf", dir, name);
    FILE *f = fopen(path, "re");
    if (!f) {
        *err = xasprintf("cannot read the control port allowlist %s: %s", path, strerror(errno));
        return false;
    }
    autofclose FILE *file = f;
    return control_allowlist_load(list, file, path, err);
}

void control_allowlist_clear(struct control_allowlist *list)
{
    free(list->socket);
    free(list->getinfo);
    free(list->signals);
    free(list->events);
    *list = (struct control_allowlist){0};
}

bool control_allowlist_name_valid(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 64 || name[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!(islower((unsigned char)name[i]) || isdigit((unsigned char)name[i]) || name[i] == '-'))
            return false;
    return true;
}
