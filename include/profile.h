/* Profiles: what one application may reach. */
#ifndef TORGATE_PROFILE_H
#define TORGATE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"

enum net_mode {
    MODE_TOR,      /* everything through Tor: TransPort, DNSPort, SocksPort */
    MODE_CLEARNET, /* the Unsafe Browser: the outside directly, nothing of the host */
    MODE_I2P,      /* the host's I2P router's proxies and SAM, nothing else */
    MODE_OFFLINE,  /* loopback only */
};

enum dns_mode {
    DNS_UNSET, /* the mode's own: tor for tor, clearnet for clearnet, none otherwise */
    DNS_TOR,
    DNS_CLEARNET,
    DNS_NONE,
};

struct host_service {
    uint8_t proto; /* IPPROTO_TCP or IPPROTO_UDP */
    uint16_t port;
};

#define MAX_HOST_SERVICES 16

struct host_services {
    size_t count;
    struct host_service list[MAX_HOST_SERVICES];
};

/* What the sandbox's view says of the machine and its user (issue 17):
 * unset is the mode's own, generic everywhere but in clearnet mode, where
 * hiding buys nothing. */
enum view_choice {
    VIEW_UNSET,
    VIEW_GENERIC, /* account: no full name, room or phone; timezone: UTC */
    VIEW_HOST,    /* the host's, as it is */
};

enum profile_key {
    KEY_MODE,
    KEY_DNS,
    KEY_DNS_TYPES,
    KEY_LAN,
    KEY_SERVICES,
    KEY_CONTROL_PORT,
    KEY_PROXY_ENV,
    KEY_USERNS,
    KEY_ACCOUNT,
    KEY_TIMEZONE,
    KEY_DISPLAY,
    KEY_SOUND,
    KEY_ACCESSIBILITY,
    KEY_OWN_DIRS,
    KEY_CONFIRM,
    KEY_SINGLE_INSTANCE,
    KEY_SESSION_BUS,
    KEY_SYSTEM_BUS,
    /* [session-bus] and [system-bus]: one key per verb each */
    KEY_BUS_RULES,
    PROFILE_KEYS = KEY_BUS_RULES + BUSES * BUS_VERBS
};

/* The display servers whose sockets the sandbox reaches. */
enum display_server {
    DISPLAY_WAYLAND = 1u << 0,
    DISPLAY_X11 = 1u << 1, /* lets the app read and type into every other window */
};

/* Directories of the home that are the profile's own (a browser's profile):
 * the sandbox sees a directory kept for this profile in their place, never
 * the user's, nor another profile's. */
#define OWN_DIRS_STORE ".local/share/torgate" /* in the home: STORE/PROFILE/DIR */
#define MAX_OWN_DIRS 8
#define MAX_OWN_DIR 128
struct own_dirs {
    size_t count;
    char path[MAX_OWN_DIRS][MAX_OWN_DIR]; /* relative to the home */
};

struct profile {
    char *name;
    char *path;
    int lines[PROFILE_KEYS]; /* where each key was set, 0 if not */
    enum net_mode mode;
    enum dns_mode dns;
    bool dns_all_types;   /* every DNS type, through Tor to torgate.conf's [dns] resolver (dns_resolver.h) */
    bool lan;             /* RFC 1918 destinations directly (never their DNS) */
    bool proxy_env;       /* proxy variables pointing at the gateway */
    bool user_namespaces; /* may create user and network namespaces */
    struct host_services services;
    /* Tor's control port, filtered by the allowlist of this name (the
     * administrator's, control/NAME.conf); "" for none. */
    char control_port[65];
    enum view_choice account;  /* the user's entry: generic (no GECOS) or real */
    enum view_choice timezone; /* UTC, or the host's */
    unsigned display;          /* enum display_server bits */
    bool sound;                /* a sound server of its own, its output tunnelled to the session's */
    bool accessibility;        /* the accessibility bus, through a filter that lets it drive no other app */
    struct own_dirs own_dirs;
    bool confirm;         /* started with no terminal (a menu), a dialog asks first */
    bool single_instance; /* one sandbox of this profile at a time, per user */
    struct bus_policy buses[BUSES];
    /* Stands in for a clearnet system profile: only those who may use that
     * one may use it, however much it narrows (a user's unsafe-browser with
     * mode = tor and lan = allow is still gated). */
    bool gated;
};

const char *net_mode_name(enum net_mode mode);
const char *dns_mode_name(enum dns_mode dns);

/* A profile name is [A-Za-z0-9_-][A-Za-z0-9._-]*, at most 64 characters: it
 * becomes a file name, so nothing else is accepted. */
bool profile_name_valid(const char *name);

/* Parses one profile file and checks its keys against each other; false
 * with *err = "file:line: what". */
bool profile_load(struct profile *p, FILE *file, const char *name, char **err);
bool profile_load_string(struct profile *p, const char *text, const char *name, char **err);

/* A file of the administrator's must be out of every non-root user's
 * reach: the path as given (its links included) and the path the links
 * lead to, every component up to / owned by root and writable by no one
 * else. False with *err = "refusing WHAT PATH: ...". */
bool path_trusted(const char *path, const char *what, char **err);

/* Whether user may stand in for system: it may only narrow. False with *why
 * saying what widens, and *key which key. */
bool profile_narrows(const struct profile *system, const struct profile *user, char **why, enum profile_key *key);

/* The user's ~/.config/torgate, found through the password database ($HOME
 * is the caller's to set, and not trusted); NULL if the user has no home. */
#define USER_TORGATE_DIR ".config/torgate"
char *user_torgate_dir(void);
/* The user's home directory, from the password database, or NULL. */
char *user_home_dir(void);

/* Where profiles are looked for: the system's directories (the
 * administrator's first, then the shipped ones), and the user's torgate
 * directory (NULL: none). */
struct profile_dirs {
    const char *system[2];
    const char *user;
};
struct profile_dirs profile_dirs_installed(const char *user_dir);

/* Finds the profile to use: NAME.profile among the system profiles, then
 * the user's own of that name, which may only narrow it (checked against
 * the system profile of that name, or default). With name NULL, COMMAND's
 * basename is tried, then "default". False with *err, one line, if nothing
 * fits or a file is bad or untrusted. */
bool profile_resolve(const struct profile_dirs *dirs, struct profile *p, const char *name, const char *command,
                     char **err);
/* The system profiles' names and modes, for --list-profiles; false with
 * *err if one of them is bad. */
bool profile_list(FILE *out, char **err);
void profile_clear(struct profile *p);

#endif
