/* torgate remove-firewall: takes torgate's own table off the host when no
 * sandbox needs it (the Debian package's prerm, an administrator). */
#ifndef TORGATE_REMOVE_FIREWALL_H
#define TORGATE_REMOVE_FIREWALL_H

/* Root only. Returns 0 when the table is gone (or was never there), 1 when
 * it stays because torgate still runs, with a line saying what runs. */
int remove_firewall_run(void);

#endif
