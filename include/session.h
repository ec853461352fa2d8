/* What a login, a shell or systemd --user runs or reads to start programs,
 * in the user's home: every sandbox gets it read-only (mounts.c), so that
 * nothing an app writes runs later outside every sandbox. */
#ifndef TORGATE_SESSION_H
#define TORGATE_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#define MAX_STARTUP_FILES 64
#define MAX_STARTUP_PATH 128

struct startup_file {
    char path[MAX_STARTUP_PATH]; /* relative to the home directory */
    bool directory;              /* made (empty) if missing */
};

struct startup_list {
    size_t count;
    struct startup_file files[MAX_STARTUP_FILES];
};

/* The built-in list, then the administrator's additions ([session]
 * read-only in torgate.conf, already checked: comma-separated, a trailing /
 * for a directory). */
void startup_list_build(struct startup_list *list, const char *extra);

/* A path inside the home: relative, of [A-Za-z0-9._/-], no ".." component,
 * shorter than MAX_STARTUP_PATH - 1. */
bool home_path_valid(const char *item, size_t len);

/* torgate.conf's [session] read-only: home-relative paths, no "..". */
bool parse_startup_paths(const char *value, void *target, char **why);

#endif
