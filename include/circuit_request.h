/* torgate new-circuit ID, the launcher's side: asks the control port
 * filter (torgate.conf's [control-filter] new-circuit-socket) to close the
 * circuits that carried the sandbox's streams, so that its next ones go
 * through new circuits and no other sandbox's change. As the user, with no
 * capability: the filter checks whose the address is. */
#ifndef TORGATE_CIRCUIT_REQUEST_H
#define TORGATE_CIRCUIT_REQUEST_H

/* The exit status; dies naming what failed and what to do, also where the
 * filter has followed Tor's streams only since after started (the
 * sandbox's start, seconds since the epoch): circuits from before would
 * stay. */
int tor_new_circuit(const char *socket_path, const char *address, long id, const char *command, long long started);

#endif
