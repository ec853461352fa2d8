/* torgate's own table, for root: taken off the host when no sandbox needs it
 * (remove-firewall: the Debian package's prerm, an administrator), and put
 * back under running sandboxes after something flushed the ruleset
 * (restore-firewall: nftables.service's drop-in). */
#ifndef TORGATE_FIREWALL_ADMIN_H
#define TORGATE_FIREWALL_ADMIN_H

#include "config.h"

/* Root only. Returns 0 when the table is gone (or was never there), 1 when
 * it stays because torgate still runs, with a line saying what runs. */
int remove_firewall_run(const struct torgate_config *cfg);

/* Root only. With no sandbox link on the host, does nothing (the next
 * launch writes the table). Otherwise writes the table for cfg and, where a
 * sandbox is forwarded for, puts the uplinks back in their sets, each
 * forwarding uplink guarded. Returns 0. */
int restore_firewall_run(const struct torgate_config *cfg);

#endif
