/* Tor's control protocol, filtered for one sandbox (Tails' onion-grater):
 * what an allowlist lets through, and the decisions on each line. Pure:
 * unit-tested without a tor. control/session.c does the I/O. */
#ifndef TORGATE_CONTROL_FILTER_H
#define TORGATE_CONTROL_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One allowlist file, CONTROL_ALLOWLIST_DIR/NAME.conf, root's. */
struct control_allowlist {
    uint16_t port;       /* the filter listens on 127.0.0.1:port for it (sandboxes), */
    char *socket;        /* or on this Unix socket (the host's users) */
    char *getinfo;       /* GETINFO keys: comma-separated fnmatch patterns */
    char *signals;       /* SIGNAL names */
    char *events;        /* SETEVENTS names, each of control_events[] */
    bool onion_services; /* ADD_ONION (to the sandbox itself) and DEL_ONION of its own */
};

/* The events an allowlist may name, and what of each reaches the sandbox. */
enum event_scope {
    EVENT_OWN_STREAMS,  /* STREAM: the sandbox's own streams */
    EVENT_OWN_CIRCUITS, /* CIRC: circuits that carry its streams */
    EVENT_OWN_ONIONS,   /* HS_DESC: its own onion services' descriptors */
    EVENT_WHOLE,        /* STATUS_CLIENT: Tor's bootstrap, no stream in it */
};
struct control_event {
    const char *name;
    enum event_scope scope;
    const char *help;
};
extern const struct control_event control_events[];
extern const size_t n_control_events;

bool control_allowlist_load(struct control_allowlist *list, FILE *file, const char *name, char **err);
bool control_allowlist_load_string(struct control_allowlist *list, const char *text, const char *name, char **err);
void control_allowlist_clear(struct control_allowlist *list);
/* Where the allowlists are: the service serves every NAME.conf in it. */
#define CONTROL_ALLOWLIST_DIR TORGATE_SYSCONFDIR "/torgate/control"
/* CONTROL_ALLOWLIST_DIR/NAME.conf, loaded; false with *err saying which
 * file and what is wrong with it. */
bool control_allowlist_read(struct control_allowlist *list, const char *dir, const char *name, char **err);
/* NAME is a profile's control-port value: [a-z0-9-], at most 64 bytes. */
bool control_allowlist_name_valid(const char *name);

/* What the filter knows of one sandbox: its address and what it owns. */
struct control_owned {
    uint32_t address;        /* host order */
    const char *tor_version; /* as tor told the filter, for PROTOCOLINFO */
    unsigned long *streams, *circuits;
    size_t n_streams, n_circuits;
    char **onions; /* service IDs */
    size_t n_onions;
    char *events; /* what the app subscribed to, space-separated, or NULL */
};
void control_owned_clear(struct control_owned *own);

/* A client's line (CRLF stripped), decided. */
enum verdict {
    VERDICT_FORWARD, /* send forward (malloc'd, CRLF-terminated) to tor */
    VERDICT_ANSWER,  /* send answer (malloc'd, complete) to the client */
    VERDICT_CLOSE,   /* send answer, then close the connection */
};
enum reply_kind { REPLY_PLAIN, REPLY_GETINFO, REPLY_ADD_ONION, REPLY_DEL_ONION };
struct decision {
    enum verdict verdict;
    char *forward, *answer;
    enum reply_kind reply; /* how tor's reply is to be read */
    char *onion;           /* DEL_ONION: the service removed once tor agrees */
};
void control_decide(const struct control_allowlist *list, struct control_owned *own, const char *line,
                    struct decision *d);
void decision_clear(struct decision *d);

/* Whether the filter follows the app's streams (and their circuits): only
 * when the allowlist lets it see them (STREAM or CIRC events, or
 * circuit-status or stream-status); else tor is not asked for every
 * stream of the machine. */
bool control_tracks_streams(const struct control_allowlist *list);
/* The SETEVENTS line the filter sends tor for the app's events: with
 * track, STREAM and CIRC always, from which it learns the app's streams
 * and circuits and when they end. */
char *control_upstream_setevents(const char *app_events, bool track);

/* Onion services one connection may hold: each costs the shared tor. */
#define CONTROL_MAX_ONIONS 8

/* Reading tor's reply to one command, line by line (CRLF stripped). */
struct reply_state {
    enum reply_kind kind;
    char *onion;   /* DEL_ONION's service, forgotten on success */
    char key[64];  /* the GETINFO key whose data block this is in, or "" */
    bool in_data;  /* inside a "NNN+" data block, until its "." line */
    bool done;     /* the final line ("NNN ") was read */
};
/* What the client sees of line: the line (malloc'd, without CRLF) or NULL.
 * Filters circuit-status and stream-status to the app's own, and records
 * what the app now owns (ADD_ONION's ServiceID). */
char *control_reply_line(struct control_owned *own, struct reply_state *st, const char *line);

/* Reading asynchronous events ("650 ..."), line by line. */
struct event_state {
    bool active;  /* inside a multi-line event */
    bool in_data; /* inside its data block */
    bool shown;
};
/* Learns the app's streams and circuits from STREAM events, and returns
 * what the app sees of line (malloc'd), or NULL. Events of more than one
 * line never reach it (none it may subscribe to has more); a bootstrap
 * status keeps PROGRESS, TAG and SUMMARY only. */
char *control_event_line(struct control_owned *own, struct event_state *st, const char *line);

#endif
