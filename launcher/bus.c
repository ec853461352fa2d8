/* See bus.h. */
#include "bus.h"

#include <stdio.h>
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

/* What a sandboxed app may do on the accessibility bus, as flatpak and
 * WebKit's sandbox allow it: announce itself to the registry, and learn and
 * tell which events and keys screen readers listen to. No name may be
 * talked to, so no other application's interfaces (its actions, its text,
 * its windows) can be called; unique names are visible (--sloppy-names) so
 * that the calls of a screen reader reach the app and its answers go back. */
static const struct {
    const char *verb, *rule, *why;
} a11y_rules[] = {
    {"call", "org.a11y.atspi.Registry=org.a11y.atspi.Socket.Embed@/org/a11y/atspi/accessible/root",
     "the app registers its root object with the registry"},
    {"call", "org.a11y.atspi.Registry=org.a11y.atspi.Socket.Unembed@/org/a11y/atspi/accessible/root",
     "and unregisters it"},
    {"call", "org.a11y.atspi.Registry=org.a11y.atspi.Registry.GetRegisteredEvents@/org/a11y/atspi/registry",
     "which events screen readers listen to"},
    {"call",
     "org.a11y.atspi.Registry=org.a11y.atspi.DeviceEventController.GetKeystrokeListeners@/org/a11y/atspi/registry/"
     "deviceeventcontroller",
     "whether a screen reader listens to keys"},
    {"call",
     "org.a11y.atspi.Registry=org.a11y.atspi.DeviceEventController.GetDeviceEventListeners@/org/a11y/atspi/registry/"
     "deviceeventcontroller",
     "and to other devices"},
    {"call",
     "org.a11y.atspi.Registry=org.a11y.atspi.DeviceEventController.NotifyListenersSync@/org/a11y/atspi/registry/"
     "deviceeventcontroller",
     "the app's key presses, to the screen reader"},
    {"call",
     "org.a11y.atspi.Registry=org.a11y.atspi.DeviceEventController.NotifyListenersAsync@/org/a11y/atspi/registry/"
     "deviceeventcontroller",
     "the same, without waiting"},
    {"broadcast",
     "org.a11y.atspi.Registry=org.a11y.atspi.Registry.EventListenerRegistered@/org/a11y/atspi/registry",
     "a screen reader starts listening to an event"},
    {"broadcast",
     "org.a11y.atspi.Registry=org.a11y.atspi.Registry.EventListenerDeregistered@/org/a11y/atspi/registry",
     "and stops"},
};

void bus_a11y_explain(FILE *out, const char *indent)
{
    for (size_t i = 0; i < N_ELEMENTS(a11y_rules); i++)
        fprintf(out, "%s%s %s\n%s  (%s)\n", indent, a11y_rules[i].verb, a11y_rules[i].rule, indent, a11y_rules[i].why);
}

void bus_a11y_proxy_args(const char *upstream, const char *listen, char **argv, size_t *n)
{
    _Static_assert(4 + N_ELEMENTS(a11y_rules) <= BUS_A11Y_PROXY_ARGS, "BUS_A11Y_PROXY_ARGS is too small");
    argv[(*n)++] = xstrdup(upstream);
    argv[(*n)++] = xstrdup(listen);
    argv[(*n)++] = xstrdup("--filter");
    argv[(*n)++] = xstrdup("--sloppy-names");
    for (size_t i = 0; i < N_ELEMENTS(a11y_rules); i++)
        argv[(*n)++] = xasprintf("--%s=%s", a11y_rules[i].verb, a11y_rules[i].rule);
}

bool bus_address_local(const char *address)
{
    if (!address || strchr(address, ';'))
        return false;
    return strncmp(address, "unix:path=/", 11) == 0 || strncmp(address, "unix:abstract=", 14) == 0;
}
