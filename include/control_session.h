/* The control port filter's I/O: one app's connection, and the service
 * that accepts them (control/). */
#ifndef TORGATE_CONTROL_SESSION_H
#define TORGATE_CONTROL_SESSION_H

#include <stdint.h>

#include "config.h"
#include "control_filter.h"

struct control_service {
    const struct torgate_config *cfg; /* tor's control port and cookie, the pool */
};

/* Serves the app at app_fd (a sandbox's address) until either side
 * closes; the connection to tor, and the onion services made on it, end
 * with it. */
void control_session(const struct control_service *svc, const struct control_allowlist *list, int app_fd,
                     uint32_t address);

/* torgate new-circuit's side in the service (control/new_circuit.c):
 * follows tor's streams and serves requests on listen_fd, for ever. */
void new_circuit_service(const struct torgate_config *cfg, int listen_fd);

#endif
