/* Dialogs for a torgate started from a menu, whose profile asks for them
 * (confirm = yes: the Unsafe Browser): a question before the app starts,
 * and its refusals as error dialogs rather than notifications, as Tails
 * shows them. zenity draws them, run by the launcher as the user with no
 * capability (as the helpers are), on the user's display; never by the
 * sandbox. */
#ifndef TORGATE_DIALOG_H
#define TORGATE_DIALOG_H

#include <stdbool.h>

/* Whether the user chose ok_label. Dies if no dialog can be shown (no
 * zenity, no display): the question is what the menu entry promised. */
bool dialog_ask(const char *title, const char *text, const char *ok_label);

/* From now on, torgate's fatal error is also an error dialog titled title
 * (die_also; it waits until the user closes it). */
void dialog_failures(const char *title);

#endif
