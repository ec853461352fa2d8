/* See environment.h. */
#include "environment.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

extern char **environ;

static char **caller_environ;
static char *empty_environ[] = {NULL};
static bool isolated;

static char *lookup(char **env, const char *name)
{
    size_t len = strlen(name);
    for (char **e = env; e && *e; e++)
        if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
            return *e + len + 1;
    return NULL;
}

/* The executable's getenv() takes the place of libc's for every library
 * (symbol interposition): libnl reads its variables in constructors, before
 * main() can clear anything, and must find none. libc's own calls go to its
 * internal copy, which reads environ, cleared by then. */
char *getenv(const char *name)
{
    return isolated ? lookup(environ, name) : NULL;
}

void environment_isolate(void)
{
    caller_environ = environ;
    environ = empty_environ;
    isolated = true;
}

void environment_caller_set(const char *name, const char *value)
{
    environ = caller_environ;
    if (setenv(name, value, 1) != 0)
        die_with_error("cannot set %s for the command", name);
    caller_environ = environ;
    environ = empty_environ;
}

const char *environment_caller_get(const char *name)
{
    return lookup(caller_environ, name);
}

void environment_restore_caller(void)
{
    environ = caller_environ;
}
