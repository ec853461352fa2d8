/* The launcher: the host side of a sandbox, from firewall to exit status. */
#ifndef TORGATE_LAUNCH_H
#define TORGATE_LAUNCH_H

#include "plan.h"

/* Runs COMMAND in a new sandbox and returns torgate's exit status: COMMAND's,
 * 128+N if it died of signal N, or 125/126/127 when it could not start. */
int launch(const struct plan *plan);

#endif
