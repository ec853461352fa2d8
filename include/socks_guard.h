/* The sandbox's SocksPort, checked before Tor sees it (tor mode).
 *
 * Tor writes a SOCKS hostname, as it came, into its control port's STREAM
 * events (socks_handshake.h says why that matters). The sandbox's own nat
 * table leads its TCP connections to the gateway's SocksPort to this guard,
 * a process of the sandbox's init with no capability, which lets a
 * connection's handshake go on to Tor only as far as it is harmless
 * (socks_handshake_check()), answers a refusal in the protocol's own form
 * otherwise, and then relays the connection both ways, half-closes
 * included.
 *
 * The guard's own connections to the SocksPort must not be led back to it,
 * and no process of COMMAND's may pass for it: they leave from sockets
 * that carry SOCKS_GUARD_MARK, which only a holder of CAP_NET_ADMIN can
 * set. So the sandbox's init makes them all before it drops its
 * capabilities, SOCKS_GUARD_SOCKETS of them, and the guard reuses each
 * (a connect() to AF_UNSPEC takes a TCP socket back to its unconnected
 * state, mark kept) when its connection ends: that many connections at
 * once, the next ones wait to be accepted. They leave from the sandbox's
 * address, as COMMAND's would: Tor's IsolateClientAddr and the control
 * port filter's new-circuit see the sandbox. */
#ifndef TORGATE_SOCKS_GUARD_H
#define TORGATE_SOCKS_GUARD_H

#include <stdint.h>

#include "ruleset.h" /* SOCKS_GUARD_PORT, SOCKS_GUARD_MARK */

#define SOCKS_GUARD_SOCKETS 128 /* fewer where the open files limit is lower */

struct socks_guard;

/* In the sandbox's network namespace, while init still holds its
 * capabilities: the guard's listener and its marked sockets, to reach
 * gateway:socks_port (host order). Dies on failure (COMMAND never runs). */
struct socks_guard *socks_guard_open(uint32_t gateway, uint16_t socks_port);

/* The guard's process: serves until the sandbox ends. */
__attribute__((noreturn)) void socks_guard_serve(struct socks_guard *g);

/* Closes the guard's sockets and frees it (init's copy, once the guard's
 * process has its own: COMMAND never holds them). */
void socks_guard_close(struct socks_guard *g);

#endif
