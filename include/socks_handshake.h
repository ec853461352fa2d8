/* The SOCKS guard's look at a handshake (socks_guard.h): how much of what
 * an app sent to Tor's SocksPort may go on, and whether its request names
 * a destination Tor can write into its control events harmlessly.
 *
 * Tor writes a SOCKS4a or SOCKS5 hostname, as it came, into the STREAM
 * events of its control port (tor 0.4.9: even one it then refuses). A name
 * with CR LF in it would write event lines of the app's choosing into every
 * control connection that follows streams: the control port filter's among
 * them, which would believe them. So a request passes only when its name is
 * a hostname, a dotted IPv4 address or a bracketed IPv6 one. The user name
 * and password (Tor's stream isolation) may hold any byte: Tor escapes them. */
#ifndef TORGATE_SOCKS_HANDSHAKE_H
#define TORGATE_SOCKS_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>

/* The most a whole handshake takes: SOCKS5's greeting (2 + 255), its user
 * name and password (3 + 255 + 255) and a request (7 + 255). A longer one
 * is refused (SOCKS4's user id too: Tor takes at most that much). */
#define SOCKS_HANDSHAKE_MAX 1032

enum socks_verdict {
    SOCKS_NEED_MORE,   /* the first *safe bytes may go on; wait for more */
    SOCKS_NEED_METHOD, /* SOCKS5: the greeting may go on; wait for Tor's choice of method */
    SOCKS_ACCEPT,      /* the handshake is whole and harmless: it ends at *safe, all may go on */
    SOCKS_REFUSE,      /* malformed, a command Tor has no use for here, or a name that is no hostname */
};

/* Looks at msg, the first len bytes an app sent on a connection to the
 * SocksPort (at most SOCKS_HANDSHAKE_MAX), given method, the method Tor
 * chose in its reply to a SOCKS5 greeting (-1 while it has not answered).
 * Sets *safe to how many of those bytes may go to Tor now. Pure. */
enum socks_verdict socks_handshake_check(const unsigned char *msg, size_t len, int method, size_t *safe);

/* The failure reply the guard sends in Tor's stead when it refuses (msg
 * and method as above; version 4 or 5): SOCKS4's rejection; SOCKS5's "no
 * acceptable method" while Tor has not chosen one, else a request's
 * general failure. Its length, 0 if none fits. */
size_t socks_refusal(const unsigned char *msg, size_t len, int method, unsigned char reply[10]);

#endif
