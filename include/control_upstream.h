/* The control port filter's own connections to tor's control port
 * (control/): each app's, and the circuit book's. */
#ifndef TORGATE_CONTROL_UPSTREAM_H
#define TORGATE_CONTROL_UPSTREAM_H

#include <stdbool.h>

#include "config.h"
#include "control_protocol.h"

/* How long tor may take to answer one command: a tor that accepts and
 * then says nothing must not hold the filter's process for ever. */
#define CONTROL_REPLY_TIMEOUT_MS 10000

/* Connects tor->fd to tor's control port and AUTHENTICATEs with its
 * cookie, which only the service reads; false with a message on stderr
 * (tor->fd is then closed or -1). */
bool control_upstream_open(const struct torgate_config *cfg, struct line_reader *tor);

/* Sends request (CRLF-terminated) and returns the final line of its reply
 * (malloc'd), or NULL if the connection ended or tor took longer than
 * CONTROL_REPLY_TIMEOUT_MS. Every line before it,
 * events among them, goes to on_line if given. */
char *control_exchange(struct line_reader *tor, const char *request, void (*on_line)(const char *line, void *ctx),
                       void *ctx);

#endif
