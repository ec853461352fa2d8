/* torgate wrap: menu entries that start installed applications through
 * torgate. For every desktop entry of an installed application whose
 * program has a system profile (the profile torgate would choose for it),
 * a wrapped copy (desktop_entry.h) goes where it takes precedence over the
 * system's: the user's applications directory ($XDG_DATA_HOME/applications,
 * else ~/.local/share/applications) or, as root with --system,
 * /usr/local/share/applications. A user's own entry that is wrapped is kept
 * aside first, and put back by the undo, byte for byte; the undo removes
 * only the entries torgate wrote. Runs with no capability. */
#ifndef TORGATE_WRAP_H
#define TORGATE_WRAP_H

#include <stdbool.h>

enum wrap_action { WRAP_ENTRIES, WRAP_LIST, WRAP_UNDO };

/* Returns the exit status; one line per entry on stdout, errors as one line
 * naming the file. */
int wrap_run(enum wrap_action action, bool system);

#endif
