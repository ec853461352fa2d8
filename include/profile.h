/* Profiles: what one application may reach. */
#ifndef TORGATE_PROFILE_H
#define TORGATE_PROFILE_H

#include <stdbool.h>
#include <stdio.h>

enum net_mode {
    MODE_TOR,      /* everything through Tor: TransPort, DNSPort, SocksPort */
    MODE_CLEARNET, /* the Unsafe Browser: the outside directly, nothing of the host */
};

struct profile {
    char *name;
    char *path;
    enum net_mode mode;
};

const char *net_mode_name(enum net_mode mode);

/* A profile name is [A-Za-z0-9_-][A-Za-z0-9._-]*, at most 64 characters: it
 * becomes a file name, so nothing else is accepted. */
bool profile_name_valid(const char *name);

/* Parses one profile file (defaults: mode tor); false with *err = file:line. */
bool profile_load(struct profile *p, FILE *file, const char *name, char **err);
bool profile_load_string(struct profile *p, const char *text, const char *name, char **err);

/* Finds NAME.profile in the system directories (/etc first, then the shipped
 * ones) and loads it; dies with a clear line if it is missing or bad. */
void profile_find(struct profile *p, const char *name);
/* Like profile_find, but returns false when no file of that name exists. */
bool profile_find_optional(struct profile *p, const char *name);
void profile_clear(struct profile *p);

#endif
