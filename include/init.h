/* PID 1 of the sandbox. */
#ifndef TORGATE_INIT_H
#define TORGATE_INIT_H

#include "seccomp_filter.h"

/* Starts COMMAND (capabilities dropped, in a user namespace of its own,
 * under the seccomp filter), reaps every orphan, forwards signals, serves
 * the supervisor, and exits with COMMAND's status when COMMAND exits, which
 * takes every other process of the sandbox with it. */
struct datagram_island;
/* island: the sandbox's datagram island (datagram_island.h), or NULL.
 * automap_fd: the channel to the launcher that grants automapped
 * addresses (automap.h), which the DNS guard takes, or -1. */
__attribute__((noreturn)) void init_run(char **argv, int error_fd, const struct seccomp_policy *policy,
                                        struct datagram_island *island, int automap_fd);

#endif
