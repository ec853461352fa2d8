/* The accessibility bus (AT-SPI), for profiles with accessibility = allow:
 * where the caller's session keeps it, and the filter a sandbox reaches it
 * through. Screen readers read and operate the sandboxed app; the app can
 * drive no other application (Tails' design documents warn that one could
 * make an open clearnet browser fetch a page). */
#ifndef TORGATE_A11Y_H
#define TORGATE_A11Y_H

/* The session's accessibility bus: AT_SPI_BUS_ADDRESS of the caller, or
 * what org.a11y.Bus on the session bus answers (asked by dbus-send, run as
 * the user with no capability, as the helpers are). NULL, said with
 * --debug, if the session has none; dies if the address is not one local
 * socket. malloc'd. */
char *a11y_bus_address(const char *session_bus);

/* Its filter's rules are bus_a11y_proxy_args() (bus.h). */

#endif
