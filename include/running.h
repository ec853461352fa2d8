/* Running sandboxes: each launcher keeps a record of its sandbox (profile,
 * mode, address, since when, COMMAND) while it runs, in
 * /run/user/UID/torgate-sandboxes/PID, which no sandbox sees (its runtime
 * directory is its own). torgate list shows the caller's (root: everyone's);
 * torgate stop ID ends one, as SIGTERM to torgate does; torgate new-circuit
 * ID gives it fresh Tor circuits. A record is trusted
 * for nothing: a process is listed or stopped only if it is torgate, of the
 * record's user, started when the record says; a record that a SIGKILL left
 * behind is removed by the next list, stop or launch. There is no way to
 * join a running sandbox (firejail's CVE-2022-31214 came from one). */
#ifndef TORGATE_RUNNING_H
#define TORGATE_RUNNING_H

#include <stdbool.h>

#include "plan.h"
#include "pool.h"

/* The launcher, once COMMAND runs; nothing if the user has no runtime
 * directory (/run/user/UID). Removed by running_forget(), at exit. */
void running_record(const struct plan *plan, const struct slot *slot);
void running_forget(void);

/* single-instance = yes: takes the profile's lock in the user's runtime
 * directory and holds it for the launcher's life (the kernel drops it when
 * the launcher ends, however it ends). False if another launcher holds it;
 * true with no runtime directory (no session: nothing to hold it in). */
bool running_claim_single(const char *profile);

/* torgate list, torgate stop ID, torgate new-circuit ID: exit statuses. */
int running_list(void);
int running_stop(const char *id);
/* Fresh circuits for the sandbox of ID (tor mode), asked of the control
 * port filter on socket_path (tor_new_circuit()). */
int running_new_circuit(const char *id, const char *socket_path);

#endif
