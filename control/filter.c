/* The control port filter's decisions: each line of the app, each line of
 * tor's replies and events. Everything not named by the allowlist is
 * refused in the protocol's own form ("510 Command filtered"), so that an
 * app carries on without it; what is let through concerns the sandbox's
 * own streams, circuits and onion services only. */
#include "control_filter.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fnmatch.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "control_protocol.h"
#include "settings.h"
#include "text.h"
#include "util.h"

#define FILTERED "510 Command filtered\r\n"

/* --- what the sandbox owns ------------------------------------------------ */

static bool has_id(const unsigned long *ids, size_t n, unsigned long id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

static void add_id(unsigned long **ids, size_t *n, unsigned long id)
{
    if (has_id(*ids, *n, id))
        return;
    *ids = xreallocarray(*ids, *n + 1, sizeof **ids);
    (*ids)[(*n)++] = id;
}

static void remove_id(unsigned long *ids, size_t *n, unsigned long id)
{
    for (size_t i = 0; i < *n; i++)
        if (ids[i] == id) {
            ids[i] = ids[--*n];
            return;
        }
}

static bool has_onion(const struct control_owned *own, const char *id, size_t len)
{
    for (size_t i = 0; i < own->n_onions; i++)
        if (strlen(own->onions[i]) == len && strncmp(own->onions[i], id, len) == 0)
            return true;
    return false;
}

static void forget_onion(struct control_owned *own, const char *id)
{
    for (size_t i = 0; i < own->n_onions; i++)
        if (strcmp(own->onions[i], id) == 0) {
            free(own->onions[i]);
            own->onions[i] = own->onions[--own->n_onions];
            return;
        }
}

void control_owned_clear(struct control_owned *own)
{
    free(own->streams);
    free(own->circuits);
    for (size_t i = 0; i < own->n_onions; i++)
        free(own->onions[i]);
    free(own->onions);
    free(own->events);
    own->streams = own->circuits = NULL;
    own->onions = NULL;
    own->events = NULL;
    own->n_streams = own->n_circuits = own->n_onions = 0;
}

/* --- words ---------------------------------------------------------------- */

/* Whether the comma-separated list holds word (case-insensitively with
 * nocase, else as an fnmatch pattern). */
struct list_match {
    const char *word;
    size_t len;
    bool pattern, found;
};

static bool match_item(const char *item, size_t len, void *ctx, char **why)
{
    (void)why;
    struct list_match *m = ctx;
    if (m->pattern) {
        char pat[256], word[256];
        if (len >= sizeof pat || m->len >= sizeof word)
            return true;
        memcpy(pat, item, len), pat[len] = 0;
        memcpy(word, m->word, m->len), word[m->len] = 0;
        m->found |= fnmatch(pat, word, 0) == 0;
    } else {
        m->found |= len == m->len && strncasecmp(item, m->word, len) == 0;
    }
    return true;
}

static bool listed(const char *list, const char *word, size_t len, bool pattern)
{
    struct list_match m = {word, len, pattern, false};
    char *why = NULL;
    if (list)
        settings_each_item(list, match_item, &m, &why);
    free(why);
    return m.found;
}

static bool printable_line(const char *line)
{
    for (const unsigned char *p = (const unsigned char *)line; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

/* --- the app's commands --------------------------------------------------- */

static void answer(struct decision *d, const char *text)
{
    d->verdict = VERDICT_ANSWER;
    d->answer = xstrdup(text);
}

static void forward(struct decision *d, enum reply_kind kind, char *line)
{
    d->verdict = VERDICT_FORWARD;
    d->reply = kind;
    d->forward = line;
}

static void decide_protocolinfo(const struct control_owned *own, struct decision *d)
{
    /* The app needs no secret: the filter holds tor's cookie, never the app. */
    d->verdict = VERDICT_ANSWER;
    d->answer = xasprintf("250-PROTOCOLINFO 1\r\n250-AUTH METHODS=NULL\r\n250-VERSION Tor=\"%s\"\r\n250 OK\r\n",
                          own->tor_version ? own->tor_version : "0.0.0");
}

static void decide_getinfo(const struct control_allowlist *list, const char *args, struct decision *d)
{
    const char *w;
    size_t len;
    bool any = false;
    for (const char *p = args; control_next_word(&p, &w, &len); any = true)
        if (!listed(list->getinfo, w, len, true))
            return answer(d, FILTERED);
    if (!any)
        return answer(d, FILTERED);
    forward(d, REPLY_GETINFO, xasprintf("GETINFO %s\r\n", args));
}

static void decide_signal(const struct control_allowlist *list, const char *args, struct decision *d)
{
    const char *w, *p = args;
    size_t len;
    if (!control_next_word(&p, &w, &len) || *p || !listed(list->signals, w, len, false))
        return answer(d, FILTERED);
    autofree char *name = xasprintf("%.*s", (int)len, w);
    for (char *c = name; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    forward(d, REPLY_PLAIN, xasprintf("SIGNAL %s\r\n", name));
}

bool control_tracks_streams(const struct control_allowlist *list)
{
    return listed(list->events, "STREAM", 6, false) || listed(list->events, "CIRC", 4, false) ||
           listed(list->getinfo, "circuit-status", 14, true) || listed(list->getinfo, "stream-status", 13, true);
}

char *control_upstream_setevents(const char *app_events, bool track)
{
    struct text t;
    text_open(&t);
    text_puts(&t, track ? "SETEVENTS STREAM CIRC" : "SETEVENTS");
    const char *w, *p = app_events ? app_events : "";
    size_t len;
    while (control_next_word(&p, &w, &len))
        if (!track || (!control_word_is(w, len, "STREAM") && !control_word_is(w, len, "CIRC")))
            text_printf(&t, " %.*s", (int)len, w);
    text_puts(&t, "\r\n");
    return text_close(&t);
}

static void decide_setevents(const struct control_allowlist *list, struct control_owned *own, const char *args,
                             struct decision *d)
{
    struct text t;
    text_open(&t);
    const char *w, *p = args;
    size_t len;
    bool ok = true;
    while (control_next_word(&p, &w, &len)) {
        if (control_word_is(w, len, "EXTENDED")) /* obsolete, and what tor always does */
            continue;
        if (!listed(list->events, w, len, false))
            ok = false;
        for (size_t i = 0; i < len; i++)
            fputc(toupper((unsigned char)w[i]), t.out);
        fputc(' ', t.out);
    }
    autofree char *events = text_close(&t);
    if (!ok)
        return answer(d, FILTERED);
    free(own->events);
    own->events = steal_pointer(&events);
    forward(d, REPLY_PLAIN, control_upstream_setevents(own->events, control_tracks_streams(list)));
}

/* ADD_ONION's Port=VIRT[,TARGET]: the target, whatever the app wrote, is
 * the sandbox itself (tor connects to the sandbox's address; torgate sends
 * that on to the sandbox's loopback). An app names its own loopback or
 * address, or a port alone; anything else (another host, a Unix socket on
 * the host) is refused. */
static bool onion_target(const struct control_owned *own, const char *w, size_t len, struct text *t)
{
    char spec[64];
    if (len >= sizeof spec)
        return false;
    memcpy(spec, w, len), spec[len] = 0;
    char *comma = strchr(spec, ',');
    const char *virt = spec, *target = comma ? comma + 1 : spec;
    if (comma)
        *comma = 0;
    char *colon = strrchr(target, ':');
    if (colon) {
        *colon = 0;
        char addr[16];
        if (strcmp(target, "127.0.0.1") != 0 && strcmp(target, "localhost") != 0 &&
            strcmp(target, format_addr4(own->address, addr)) != 0)
            return false;
        target = colon + 1;
    }
    uint16_t vport, tport;
    char *why = NULL;
    bool ok = parse_port(virt, &vport, &why) && parse_port(target, &tport, &why);
    free(why);
    if (!ok)
        return false;
    char addr[16];
    text_printf(t, " Port=%u,%s:%u", vport, format_addr4(own->address, addr), tport);
    return true;
}

static bool base_chars(const char *w, size_t len, const char *alphabet)
{
    return len > 0 && strspn(w, alphabet) >= len;
}

static bool onion_option(const struct control_owned *own, const char *w, size_t len, struct text *t, bool *port)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcdefghijklmnopqrstuvwxyz";
    if (len > 5 && strncasecmp(w, "Port=", 5) == 0)
        return (*port = true) && onion_target(own, w + 5, len - 5, t);
    if (len > 6 && strncasecmp(w, "Flags=", 6) == 0) {
        /* Detach would let the service outlive the sandbox; NonAnonymous
         * and BasicAuth are not for a Tor client. */
        const char *f = w + 6, *end = w + len;
        while (f < end) {
            size_t n = strcspn(f, ",");
            if (f + n > end)
                n = (size_t)(end - f);
            if (!control_word_is(f, n, "DiscardPK") && !control_word_is(f, n, "V3Auth") && !control_word_is(f, n, "MaxStreamsCloseCircuit"))
                return false;
            f += n + 1;
        }
    } else if (len > 11 && strncasecmp(w, "MaxStreams=", 11) == 0) {
        if (!base_chars(w + 11, len - 11, "0123456789") || len - 11 > 5)
            return false;
    } else if (len > 13 && strncasecmp(w, "ClientAuthV3=", 13) == 0) {
        if (!base_chars(w + 13, len - 13, b32) || len - 13 > 64)
            return false;
    } else if (!(len > 11 && strncmp(w, "ED25519-V3:", 11) == 0 && base_chars(w + 11, len - 11, b64) &&
                 len - 11 <= 128) &&
               !control_word_is(w, len, "NEW:ED25519-V3") && !control_word_is(w, len, "NEW:BEST")) {
        return false;
    }
    text_printf(t, " %.*s", (int)len, w);
    return true;
}

static void decide_add_onion(const struct control_allowlist *list, const struct control_owned *own, const char *args,
                             struct decision *d)
{
    if (!list->onion_services)
        return answer(d, FILTERED);
    /* Each costs the shared tor introduction circuits and uploads. */
    if (own->n_onions >= CONTROL_MAX_ONIONS)
        return answer(d, "551 Too many onion services for this app\r\n");
    struct text t;
    text_open(&t);
    text_puts(&t, "ADD_ONION");
    const char *w, *p = args;
    size_t len;
    bool ok = true, port = false, key = false;
    for (bool first = true; ok && control_next_word(&p, &w, &len); first = false) {
        /* the key comes first, and only first */
        bool is_key = control_word_is(w, len, "NEW:ED25519-V3") || control_word_is(w, len, "NEW:BEST") ||
                      (len > 11 && strncmp(w, "ED25519-V3:", 11) == 0);
        ok = is_key == first && onion_option(own, w, len, &t, &port);
        key |= is_key;
    }
    text_puts(&t, "\r\n");
    autofree char *line = text_close(&t);
    if (!ok || !port || !key)
        return answer(d, FILTERED);
    forward(d, REPLY_ADD_ONION, steal_pointer(&line));
}

static void decide_del_onion(const struct control_allowlist *list, const struct control_owned *own, const char *args,
                             struct decision *d)
{
    const char *w, *p = args;
    size_t len;
    if (!list->onion_services || !control_next_word(&p, &w, &len) || *p || !has_onion(own, w, len))
        return answer(d, FILTERED);
    d->onion = xasprintf("%.*s", (int)len, w);
    forward(d, REPLY_DEL_ONION, xasprintf("DEL_ONION %s\r\n", d->onion));
}

void control_decide(const struct control_allowlist *list, struct control_owned *own, const char *line,
                    struct decision *d)
{
    *d = (struct decision){.verdict = VERDICT_ANSWER};
    const char *w, *p = line;
    size_t len;
    if (!printable_line(line) || !control_next_word(&p, &w, &len))
        return answer(d, FILTERED);
    while (*p == ' ')
        p++;
    if (control_word_is(w, len, "PROTOCOLINFO"))
        decide_protocolinfo(own, d);
    else if (control_word_is(w, len, "AUTHENTICATE"))
        answer(d, "250 OK\r\n");
    else if (control_word_is(w, len, "QUIT")) {
        answer(d, "250 closing connection\r\n");
        d->verdict = VERDICT_CLOSE;
    } else if (control_word_is(w, len, "GETINFO"))
        decide_getinfo(list, p, d);
    else if (control_word_is(w, len, "SIGNAL"))
        decide_signal(list, p, d);
    else if (control_word_is(w, len, "SETEVENTS"))
        decide_setevents(list, own, p, d);
    else if (control_word_is(w, len, "ADD_ONION"))
        decide_add_onion(list, own, p, d);
    else if (control_word_is(w, len, "DEL_ONION"))
        decide_del_onion(list, own, p, d);
    else
        answer(d, FILTERED);
}

void decision_clear(struct decision *d)
{
    free(d->forward);
    free(d->answer);
    free(d->onion);
    *d = (struct decision){0};
}

/* --- Tor's bootstrap, without what it says of the relays ----------------- */

/* The value of KEY=... in line (a quoted one with its quotes), or "". */
static void field(const char *line, const char *key, char *out, size_t size)
{
    const char *f = strstr(line, key);
    out[0] = 0;
    if (!f)
        return;
    f += strlen(key);
    size_t len = *f == '"' ? strcspn(f + 1, "\"") + 2 : strcspn(f, " ");
    if (len > strlen(f))
        len = strlen(f);
    snprintf(out, size, "%.*s", (int)len, f);
}

/* A bootstrap status ("... BOOTSTRAP PROGRESS=.. TAG=.. SUMMARY=.. [WARNING=
 * REASON= COUNT= RECOMMENDATION= HOSTID= HOSTADDR=]") with PROGRESS, TAG and
 * SUMMARY only: a stuck bootstrap names the bridge or guard it is stuck on
 * (HOSTADDR), which is nobody's business but tor's. prefix is what comes
 * before "BOOTSTRAP". */
static char *bootstrap_only(const char *prefix, size_t prefix_len, const char *line)
{
    char progress[8], tag[64], summary[160];
    field(line, "PROGRESS=", progress, sizeof progress);
    field(line, "TAG=", tag, sizeof tag);
    field(line, "SUMMARY=", summary, sizeof summary);
    return xasprintf("%.*sBOOTSTRAP PROGRESS=%s TAG=%s SUMMARY=%s", (int)prefix_len, prefix, progress, tag, summary);
}

/* --- tor's replies -------------------------------------------------------- */

/* A circuit-status or stream-status entry ("ID ..."): the app's own? */
static bool own_entry(const struct control_owned *own, const char *key, const char *entry)
{
    const char *w, *p = entry;
    size_t len;
    unsigned long id;
    if (!control_next_word(&p, &w, &len) || !control_parse_id(w, len, &id))
        return false;
    if (strcmp(key, "circuit-status") == 0)
        return has_id(own->circuits, own->n_circuits, id);
    return has_id(own->streams, own->n_streams, id);
}

static bool filtered_key(const char *key)
{
    return strcmp(key, "circuit-status") == 0 || strcmp(key, "stream-status") == 0;
}

/* "250-ServiceID=..." of ADD_ONION: the app now owns that service. */
static void learn_onion(struct control_owned *own, const char *line)
{
    static const char prefix[] = "250-ServiceID=";
    if (strncmp(line, prefix, strlen(prefix)) != 0)
        return;
    const char *id = line + strlen(prefix);
    size_t len = strlen(id);
    if (!len || len > 64 || has_onion(own, id, len))
        return;
    own->onions = xreallocarray(own->onions, own->n_onions + 1, sizeof *own->onions);
    own->onions[own->n_onions++] = xstrdup(id);
}

char *control_reply_line(struct control_owned *own, struct reply_state *st, const char *line)
{
    if (st->in_data) {
        if (strcmp(line, ".") == 0) {
            st->in_data = false;
            st->key[0] = 0;
            return xstrdup(line);
        }
        if (st->key[0] && filtered_key(st->key) && !own_entry(own, st->key, line))
            return NULL;
        return xstrdup(line);
    }
    bool well_formed = strlen(line) >= 4 && isdigit((unsigned char)line[0]) && isdigit((unsigned char)line[1]) &&
                       isdigit((unsigned char)line[2]) && strchr(" -+", line[3]);
    if (!well_formed || line[3] == ' ') {
        st->done = true;
        if (st->kind == REPLY_DEL_ONION && st->onion && strncmp(line, "250", 3) == 0)
            forget_onion(own, st->onion);
        return xstrdup(line);
    }
    if (st->kind == REPLY_ADD_ONION)
        learn_onion(own, line);
    size_t keylen = strcspn(line + 4, "=");
    bool keyed = st->kind == REPLY_GETINFO && line[4 + keylen] == '=' && keylen < sizeof st->key;
    if (line[3] == '+') {
        st->in_data = true;
        snprintf(st->key, sizeof st->key, "%.*s", keyed ? (int)keylen : 0, line + 4);
        return xstrdup(line);
    }
    if (keyed) {
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)keylen, line + 4);
        const char *value = line + 4 + keylen + 1;
        if (filtered_key(key) && *value && !own_entry(own, key, value))
            return xasprintf("250-%s=", key);
        const char *boot = strstr(value, "BOOTSTRAP ");
        if (strcmp(key, "status/bootstrap-phase") == 0 && boot)
            return bootstrap_only(line, (size_t)(boot - line), line);
    }
    return xstrdup(line);
}

/* --- tor's events --------------------------------------------------------- */

static bool subscribed(const struct control_owned *own, const char *event)
{
    const char *w, *p = own->events ? own->events : "";
    size_t len;
    while (control_next_word(&p, &w, &len))
        if (control_word_is(w, len, event))
            return true;
    return false;
}

static bool source_is(const char *p, uint32_t address)
{
    uint32_t source;
    return control_source_addr(p, &source) && source == address;
}

/* "650 STREAM ID STATUS CIRCUIT TARGET ...": new streams from the
 * sandbox's address are its own, and so is every circuit they get. */
static bool stream_event(struct control_owned *own, const char *p)
{
    const char *w[3];
    size_t len[3];
    unsigned long stream, circuit;
    for (int i = 0; i < 3; i++)
        if (!control_next_word(&p, &w[i], &len[i]))
            return false;
    if (!control_parse_id(w[0], len[0], &stream) || !control_parse_id(w[2], len[2], &circuit))
        return false;
    if ((control_word_is(w[1], len[1], "NEW") || control_word_is(w[1], len[1], "NEWRESOLVE")) && source_is(p, own->address))
        add_id(&own->streams, &own->n_streams, stream);
    if (!has_id(own->streams, own->n_streams, stream))
        return false;
    if (circuit)
        add_id(&own->circuits, &own->n_circuits, circuit);
    bool shown = subscribed(own, "STREAM");
    if (control_word_is(w[1], len[1], "CLOSED") || control_word_is(w[1], len[1], "FAILED"))
        remove_id(own->streams, &own->n_streams, stream);
    return shown;
}

/* "650 CIRC ID STATUS ..." */
static bool circ_event(struct control_owned *own, const char *p)
{
    const char *w[2];
    size_t len[2];
    unsigned long circuit;
    if (!control_next_word(&p, &w[0], &len[0]) || !control_next_word(&p, &w[1], &len[1]) || !control_parse_id(w[0], len[0], &circuit) ||
        !has_id(own->circuits, own->n_circuits, circuit))
        return false;
    if (control_word_is(w[1], len[1], "CLOSED") || control_word_is(w[1], len[1], "FAILED"))
        remove_id(own->circuits, &own->n_circuits, circuit);
    return subscribed(own, "CIRC");
}

/* "650 HS_DESC ACTION ADDRESS ...": the service's side only (its
 * descriptor made, uploaded, refused). A client's look-ups of the same
 * address (REQUESTED, RECEIVED, and their failures) would tell the app
 * when someone on this machine visits it. */
static bool hs_desc_event(const struct control_owned *own, const char *p)
{
    const char *w[2];
    size_t len[2];
    if (!control_next_word(&p, &w[0], &len[0]) || !control_next_word(&p, &w[1], &len[1]) || !has_onion(own, w[1], len[1]))
        return false;
    bool service_side = control_word_is(w[0], len[0], "CREATED") || control_word_is(w[0], len[0], "UPLOAD") ||
                        control_word_is(w[0], len[0], "UPLOADED") ||
                        (control_word_is(w[0], len[0], "FAILED") && strstr(p, " REASON=UPLOAD_REJECTED"));
    return service_side && subscribed(own, "HS_DESC");
}

/* "650 STATUS_CLIENT SEVERITY ACTION ...": Tor's own state only. Others
 * name what an app asked for (DANGEROUS_SOCKS ADDRESS=, SOCKS_BAD_HOSTNAME
 * HOSTNAME=, SOCKS_UNKNOWN_PROTOCOL DATA=): never another app's. */
static bool status_client_event(const char *p)
{
    static const char *const tor_state[] = {"BOOTSTRAP", "CIRCUIT_ESTABLISHED", "CIRCUIT_NOT_ESTABLISHED",
                                            "ENOUGH_DIR_INFO", "NOT_ENOUGH_DIR_INFO"};
    const char *w;
    size_t len;
    if (!control_next_word(&p, &w, &len) || !control_next_word(&p, &w, &len))
        return false;
    for (size_t i = 0; i < N_ELEMENTS(tor_state); i++)
        if (control_word_is(w, len, tor_state[i]))
            return true;
    return false;
}

static bool event_shown(struct control_owned *own, const char *w, size_t len, const char *p)
{
    if (control_word_is(w, len, "STREAM"))
        return stream_event(own, p);
    if (control_word_is(w, len, "CIRC"))
        return circ_event(own, p);
    if (control_word_is(w, len, "HS_DESC"))
        return hs_desc_event(own, p);
    if (control_word_is(w, len, "STATUS_CLIENT"))
        return status_client_event(p) && subscribed(own, "STATUS_CLIENT");
    return false;
}

char *control_event_line(struct control_owned *own, struct event_state *st, const char *line)
{
    if (st->active) { /* the rest of an event of several lines: never shown */
        if (st->in_data)
            st->in_data = strcmp(line, ".") != 0;
        else if (control_is_event(line)) {
            st->in_data = line[3] == '+';
            st->active = line[3] != ' ';
        }
        return NULL;
    }
    if (line[3] != ' ') {
        st->active = true;
        st->in_data = line[3] == '+';
        return NULL;
    }
    const char *w, *p = line + 4;
    size_t len;
    if (!control_next_word(&p, &w, &len) || !event_shown(own, w, len, p))
        return NULL;
    const char *boot = strstr(line, " BOOTSTRAP ");
    if (control_word_is(w, len, "STATUS_CLIENT") && boot)
        return bootstrap_only(line, (size_t)(boot + 1 - line), line);
    return xstrdup(line);
}
