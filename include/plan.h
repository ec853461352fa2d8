/* The plan: every decision about one sandbox, made once by plan_build()
 * from the configuration, the profile and the caller. Every other module
 * reads it and none decides again: what a mode means is written here only. */
#ifndef TORGATE_PLAN_H
#define TORGATE_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "control_filter.h"
#include "desktop.h"
#include "link.h"
#include "profile.h"
#include "seccomp_filter.h"
#include "session.h"
#include "view.h"

/* Proxy variables (proxy-env = yes), at the gateway. */
struct proxy_plan {
    bool set;
    uint16_t http_port;     /* http_proxy and https_proxy; 0: none */
    const char *all_scheme; /* ALL_PROXY's */
    uint16_t all_port;
};

/* control-port = NAME: the filter's port for that allowlist, which the
 * sandbox reaches at its gateway (a host service) and COMMAND is told of;
 * where the allowlist allows onion services, tor's user may connect to
 * the sandbox, and the sandbox sends that on to its loopback. */
struct control_plan {
    uint16_t port; /* 0: none */
    bool onion_targets;
    unsigned tor_uid;
};

struct plan {
    const struct torgate_config *cfg;
    const struct profile *profile;
    bool networked;         /* a veth and the firewall; else loopback only */
    bool tor_port_warning;  /* at a terminal, say when nothing listens on the TransPort */
    struct link_plan link;  /* networked only */
    bool uplink_forwarding; /* the uplinks forward while the sandbox runs */
    struct seccomp_policy seccomp; /* .gateway is filled in once the slot is known */
    enum dns_mode dns;
    const char *clearnet_resolvers; /* resolv.conf lines, dns = clearnet */
    struct proxy_plan proxy;
    struct control_plan control;
    struct host_services services; /* the profile's, and the control port filter's */
    struct view_plan view;       /* what it sees of the machine and its user */
    struct startup_list startup; /* read-only in the home directory */
    struct desktop_plan desktop; /* the display servers and buses it reaches */
    const char *home;            /* the user's, from the password database; NULL if none */
    const char *user_config_dir; /* made read-only inside; NULL if none */
    char **argv;                 /* COMMAND and its arguments; NULL for --explain */
    const char *cwd;             /* the caller's working directory; NULL if none */
};

/* What the caller brings: COMMAND, and where it was started. */
struct caller {
    char **argv;
    const char *cwd;
    const char *home;
    const char *user_config_dir;
    const char *clearnet_resolvers; /* read by the caller where dns = clearnet */
    const struct control_allowlist *control; /* read by the caller where control-port is set */
    unsigned tor_uid;                        /* looked up where it allows onion services */
    const struct desktop_caller *desktop;
    unsigned uid;
};

/* Decides everything. Pure: reads no file and changes nothing. */
void plan_build(struct plan *plan, const struct torgate_config *cfg, const struct profile *profile,
                const struct caller *caller);

/* --explain: the plan, and the exact rules it installs. */
void plan_explain(FILE *out, const struct plan *plan);

#endif
