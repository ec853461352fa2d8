/* torgate check: is this machine ready, and what to fix. */
#ifndef TORGATE_CHECK_H
#define TORGATE_CHECK_H

#include <stdbool.h>

#include "config.h"

/* Prints one line per item ("ok", "FAIL ... : how to fix", or "skip ...")
 * and returns 0 only when nothing failed. Makes no change to the host. */
int check_run(const struct torgate_config *cfg);

#endif
