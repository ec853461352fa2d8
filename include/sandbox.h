/* The sandbox's first process: its namespaces, network and mounts. */
#ifndef TORGATE_SANDBOX_H
#define TORGATE_SANDBOX_H

#include "plan.h"

/* Pipes between the launcher and the sandbox's first process. */
struct sandbox_channel {
    int ready_fd; /* sandbox -> launcher: its namespaces exist */
    int slot_fd;  /* launcher -> sandbox: the slot, once the host side is set */
    int error_fd; /* sandbox -> launcher: "<status><message>", or EOF once COMMAND is exec'd */
    int helpers_fd; /* the helpers' tmpfs (helpers.h), attached by the sandbox; -1 if none */
    int automap_fd; /* tor mode: automapped addresses granted (automap.h); else -1 */
};

/* The sandbox's first process, PID 1 of its PID namespace: makes its network
 * and mount namespaces, waits for its slot, sets them up, then runs COMMAND
 * under init_run(). Never returns. */
__attribute__((noreturn)) void sandbox_main(const struct plan *plan, struct sandbox_channel ch);

#endif
