/* D-Bus policies: what a sandbox may see, talk to, own, call and hear on a
 * bus, in flatpak's rule syntax, and the xdg-dbus-proxy arguments that
 * enforce it. Pure: parses, compares and renders, nothing more. */
#ifndef TORGATE_BUS_H
#define TORGATE_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum bus_kind { BUS_SESSION, BUS_SYSTEM, BUSES };

/* xdg-dbus-proxy's verbs, in its order of strength. */
enum bus_verb { BUS_SEE, BUS_TALK, BUS_OWN, BUS_CALL, BUS_BROADCAST, BUS_VERBS };

#define MAX_BUS_RULES 16
#define MAX_BUS_RULE 256

struct bus_rules {
    size_t count;
    char rule[MAX_BUS_RULES][MAX_BUS_RULE];
};

struct bus_policy {
    bool filtered; /* the bus reaches the sandbox, through the proxy; else not at all */
    struct bus_rules verbs[BUS_VERBS];
};

const char *bus_name(enum bus_kind bus);       /* "session-bus", "system-bus" */
const char *bus_verb_name(enum bus_verb verb); /* "see", "talk", ... */

/* setting_parser for a [session-bus] or [system-bus] key: see, talk and own
 * take bus names (org.example.App, org.example.*); call and broadcast take
 * NAME=RULE, RULE being [INTERFACE.METHOD or INTERFACE.* or *][@/PATH or
 * @/PATH/ followed by a star]. Comma-separated. */
bool bus_parse_names(const char *value, void *target, char **why);
bool bus_parse_rules(const char *value, void *target, char **why);

/* Whether user grants nothing system does not: no bus the system profile
 * keeps out, no rule it lacks. False with *why, and *verb the verb whose
 * rule widens (BUS_VERBS: the bus itself). */
bool bus_narrows(const struct bus_policy *system, const struct bus_policy *user, enum bus_kind bus, char **why,
                 int *verb);

/* Whether any rule is set (a policy with rules needs filtered). */
bool bus_has_rules(const struct bus_policy *p);

/* The proxy's arguments for one bus: upstream, listening path, --filter
 * and one --VERB=RULE per rule. Appended to argv at *n (room for
 * BUS_PROXY_ARGS more); strings are malloc'd. */
#define BUS_PROXY_ARGS (3 + BUS_VERBS * MAX_BUS_RULES)
void bus_proxy_args(const struct bus_policy *p, const char *upstream, const char *listen, char **argv, size_t *n);

/* The proxy's arguments for the accessibility bus (a11y.h): upstream, the
 * listening path, --filter, --sloppy-names and the fixed rules, the same
 * for every profile that has it. Appended to argv at *n (room for
 * BUS_A11Y_PROXY_ARGS more); strings are malloc'd. */
#define BUS_A11Y_PROXY_ARGS 16
void bus_a11y_proxy_args(const char *upstream, const char *listen, char **argv, size_t *n);
/* Those rules, each with what it is for, one per line after indent. */
void bus_a11y_explain(FILE *out, const char *indent);

/* A bus address the proxy may connect to for the sandbox: one unix:path=
 * or unix:abstract= address (never tcp:, which would carry the sandbox's
 * messages over the network, nor a list). */
bool bus_address_local(const char *address);

#endif
