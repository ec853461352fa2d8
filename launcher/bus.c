/* See bus.h. */
#include "bus.h"

#include <string.h>

#include "settings.h"
#include "util.h"

const char *bus_name(enum bus_kind bus)
{
    static const char *const names[] = {"session-bus", "system-bus"};
    return names[bus];
}

const char *bus_verb_name(enum bus_verb verb)
{
    static const char *const names[] = {"see", "talk", "own", "call", "broadcast"};
    return names[verb];
}

static bool element_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

/* Dot-separated elements of element_char (and '-' in bus names), at least
 * two; with wildcard, a last element "*" is allowed (org.example.*). */
static bool dotted(const char *s, size_t len, bool dash, bool wildcard)
{
    size_t elements = 0, run = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            if (run == 0)
                return false;
            elements++;
            run = 0;
            continue;
        }
        if (wildcard && s[i] == '*' && run == 0 && i + 1 == len && elements >= 2)
            return true;
        if (!(element_char(s[i], run == 0) || (dash && s[i] == '-')))
            return false;
        run++;
    }
    return elements >= 2;
}

/* A well-known bus name, or a prefix of them (org.example.*); never a
 * unique name (":1.42"), which names one connection of the moment. */
static bool bus_name_ok(const char *s, size_t len)
{
    return len > 0 && len < 255 && dotted(s, len, true, true);
}

/* "*", "INTERFACE.*" or "INTERFACE.METHOD" */
static bool method_ok(const char *s, size_t len)
{
    if (len == 1 && s[0] == '*')
        return true;
    return dotted(s, len, false, true);
}

/* "/" or "/a/b", optionally ending in "/" and a star */
static bool object_path_ok(const char *s, size_t len)
{
    if (len == 0 || s[0] != '/')
        return false;
    if (len == 1)
        return true;
    if (len >= 2 && s[len - 1] == '*' && s[len - 2] == '/')
        return len == 2 || object_path_ok(s, len - 2);
    for (size_t i = 1, run = 0; i <= len; i++) {
        if (i == len || s[i] == '/') {
            if (run == 0)
                return false;
            run = 0;
        } else if (element_char(s[i], false) || (s[i] >= '0' && s[i] <= '9'))
            run++;
        else
            return false;
    }
    return true;
}

/* NAME=RULE, RULE = [METHOD][@PATH], not empty */
static bool call_rule_ok(const char *s, size_t len)
{
    const char *eq = memchr(s, '=', len);
    if (!eq || !bus_name_ok(s, (size_t)(eq - s)))
        return false;
    const char *rule = eq + 1;
    size_t rule_len = len - (size_t)(rule - s);
    const char *at = memchr(rule, '@', rule_len);
    size_t method_len = at ? (size_t)(at - rule) : rule_len;
    if (rule_len == 0 || (method_len && !method_ok(rule, method_len)))
        return false;
    return !at || object_path_ok(at + 1, rule_len - method_len - 1);
}

struct list_parse {
    struct bus_rules rules;
    bool (*ok)(const char *, size_t);
    const char *form;
};

static bool add_rule(const char *item, size_t len, void *ctx, char **why)
{
    struct list_parse *lp = ctx;
    if (len >= MAX_BUS_RULE || !lp->ok(item, len)) {
        *why = xasprintf("'%.*s' is not %s", (int)len, item, lp->form);
        return false;
    }
    if (lp->rules.count == MAX_BUS_RULES) {
        *why = xasprintf("at most %d rules for one verb", MAX_BUS_RULES);
        return false;
    }
    memcpy(lp->rules.rule[lp->rules.count], item, len);
    lp->rules.rule[lp->rules.count++][len] = '\0';
    return true;
}

static bool parse_list(const char *value, struct bus_rules *out, bool (*ok)(const char *, size_t), const char *form,
                       char **why)
{
    struct list_parse lp = {.ok = ok, .form = form};
    if (!settings_each_item(value, add_rule, &lp, why))
        return false;
    *out = lp.rules;
    return true;
}

bool bus_parse_names(const char *value, void *target, char **why)
{
    return parse_list(value, target, bus_name_ok, "a bus name (org.example.App, org.example.*)", why);
}

bool bus_parse_rules(const char *value, void *target, char **why)
{
    return parse_list(value, target, call_rule_ok,
                      "NAME=RULE (org.example.App=org.example.Iface.Method@/org/example/path)", why);
}

static bool has_rule(const struct bus_rules *rules, const char *rule)
{
    for (size_t i = 0; i < rules->count; i++)
        if (strcmp(rules->rule[i], rule) == 0)
            return true;
    return false;
}

bool bus_narrows(const struct bus_policy *system, const struct bus_policy *user, enum bus_kind bus, char **why,
                 int *verb)
{
    *verb = BUS_VERBS;
    if (user->filtered && !system->filtered) {
        *why = xasprintf("%s = filtered is not granted by the system profile", bus_name(bus));
        return false;
    }
    for (int v = 0; v < BUS_VERBS; v++) {
        for (size_t i = 0; i < user->verbs[v].count; i++) {
            if (!has_rule(&system->verbs[v], user->verbs[v].rule[i])) {
                *verb = v;
                *why = xasprintf("[%s] %s = %s is not granted by the system profile", bus_name(bus),
                                 bus_verb_name((enum bus_verb)v), user->verbs[v].rule[i]);
                return false;
            }
        }
    }
    return true;
}

bool bus_has_rules(const struct bus_policy *p)
{
    for (int v = 0; v < BUS_VERBS; v++)
        if (p->verbs[v].count)
            return true;
    return false;
}

void bus_proxy_args(const struct bus_policy *p, const char *upstream, const char *listen, char **argv, size_t *n)
{
    argv[(*n)++] = xstrdup(upstream);
    argv[(*n)++] = xstrdup(listen);
    argv[(*n)++] = xstrdup("--filter");
    for (int v = 0; v < BUS_VERBS; v++)
        for (size_t i = 0; i < p->verbs[v].count; i++)
            argv[(*n)++] = xasprintf("--%s=%s", bus_verb_name((enum bus_verb)v), p->verbs[v].rule[i]);
}

bool bus_address_local(const char *address)
{
    if (!address || strchr(address, ';'))
        return false;
    return strncmp(address, "unix:path=/", 11) == 0 || strncmp(address, "unix:abstract=", 14) == 0;
}
