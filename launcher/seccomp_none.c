/* No seccomp filter at all: the backend of the builds that valgrind runs
 * (valgrind 3.19 cannot emulate seccomp(2)) and that make bench compares
 * the filter against. The Makefile picks it; no such build is installed. */
#include "seccomp_filter.h"

/* Without a filter no socket is made in a datagram island: the sandbox's
 * DNS goes by its own namespace's nat table to the guard, as with lan =
 * allow. */
bool seccomp_filter_has_island(void) { return false; }

int seccomp_filter_load(const struct seccomp_policy *policy)
{
    (void)policy;
    return -1;
}
