/* No seccomp filter at all: the backend of the builds that valgrind runs
 * (valgrind 3.19 cannot emulate seccomp(2)) and that make bench compares
 * the filter against. The Makefile picks it; no such build is installed. */
#include "seccomp_filter.h"

int seccomp_filter_load(const struct seccomp_policy *policy)
{
    (void)policy;
    return -1;
}
