/* Desktop notifications for a torgate started with no terminal, as from a
 * menu entry: its refusals and failures, and a Tor that is not there, would
 * otherwise go to a stderr nobody reads. Sent on the caller's real session
 * bus (org.freedesktop.Notifications) by notify-send, run by the launcher
 * as the user with no capability (as the helpers are), never by the
 * sandbox. Best effort: without a session bus, a notification daemon or
 * notify-send, stderr alone says it. */
#ifndef TORGATE_NOTIFY_H
#define TORGATE_NOTIFY_H

#include <stdbool.h>

/* Whether none of stdin, stdout and stderr is a terminal. */
bool notify_no_terminal(void);

/* From now on, with no terminal, torgate's fatal error (die()) is also a
 * notification: "torgate: APP did not start", the error as its body. */
void notify_failures(const char *app);

/* One notification now (waits for notify-send, at most a few seconds). */
void notify_user(const char *summary, const char *body);

#endif
