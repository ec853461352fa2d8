/* What a sandbox sees of the machine and its user: the texts of the files
 * torgate lays over the host's, rendered here and placed by mounts.c. */
#ifndef TORGATE_VIEW_H
#define TORGATE_VIEW_H

#include <stdbool.h>

/* The plan's decisions about the sandbox's view. */
struct view_plan {
    const char *hostname; /* its own (UTS namespace), in /etc/hostname and /etc/hosts; NULL: the host's */
    bool own_machine_id;  /* /etc/machine-id of its own, random for each sandbox */
    bool generic_account; /* /etc/passwd with no full name, room or phone (GECOS) */
    bool utc;             /* TZ=UTC, /etc/localtime UTC */
};

/* The generic machine's name, as Whonix calls its own. */
#define GENERIC_HOSTNAME "host"

/* The host's nsswitch.conf with its hosts line replaced (files and dns
 * only) and, with files_passwd, its passwd line too (files only: the
 * sandbox's own /etc/passwd). */
char *view_nsswitch(bool files_passwd);
char *view_hostname(const char *name);
char *view_hosts(const char *name);
/* 32 hex digits from getrandom(), as machine-id(5) has them. */
char *view_machine_id(void);
/* The host's /etc/passwd with every GECOS field emptied, and the calling
 * user's entry added if it comes from elsewhere (LDAP, systemd-homed). */
char *view_passwd(void);

#endif
