/* Relaying signals to COMMAND, shared by the launcher and the sandbox's init. */
#ifndef TORGATE_RELAY_H
#define TORGATE_RELAY_H

#include <sys/types.h>

/* Signals a process relays to target: SIGINT, SIGTERM, SIGHUP, SIGQUIT,
 * SIGUSR1, SIGUSR2. Those the terminal sent to the whole process group are
 * not relayed: COMMAND got them already. */
void relay_signals_to(pid_t target);

#endif
