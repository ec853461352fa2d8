/* --wait-for-tor: before COMMAND starts, wait until Tor has bootstrapped,
 * showing its progress (as Tails' Tor Connection does), and give up with a
 * clear message after a deadline. Tor's bootstrap is asked of the control
 * port filter's socket for the host's users (the allowlist bootstrap.conf:
 * that and nothing else), as the user, with no capability: the launcher
 * never holds Tor's cookie. */
#ifndef TORGATE_TOR_WAIT_H
#define TORGATE_TOR_WAIT_H

#include <stddef.h>

/* Returns once Tor is at 100%; dies naming the reason otherwise. */
void tor_wait_bootstrap(unsigned seconds, const char *app);

/* Where Tor's bootstrap stands now, asked once (half a second at most):
 * its percent, and its summary in summary; -1 if nothing answers (no
 * filter, no Tor). */
int tor_bootstrap_now(char *summary, size_t size);

#endif
