/* The seccomp filter's rules, as libseccomp builds them. Used at build time
 * only (seccomp_generate.c compiles the program of every mode); the
 * launcher loads the compiled program (seccomp_filter.c). */
#ifndef TORGATE_SECCOMP_RULES_H
#define TORGATE_SECCOMP_RULES_H

#include <stdbool.h>

#include <seccomp.h>

#include "profile.h" /* enum net_mode */

/* A context holding the rules of mode, with or without user namespaces, and
 * in tor mode with or without a datagram island (datagram_island.h); dies
 * if libseccomp refuses one. The caller releases it. */
scmp_filter_ctx seccomp_rules_context(enum net_mode mode, bool allow_user_namespaces, bool datagram_island);

#endif
