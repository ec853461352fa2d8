/* Which sandbox a client of the control port filter is, and whose. */
#ifndef TORGATE_CONTROL_SANDBOXES_H
#define TORGATE_CONTROL_SANDBOXES_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct nl_sock;

/* The user whose sandbox has addr now, as the launcher marked its host
 * link; false if no sandbox has it. */
bool sandbox_owner(struct nl_sock *sk, const struct prefix4 *pool, uint32_t addr, unsigned *uid);

#endif
