/* The sandbox's DNS, checked before Tor sees it (tor mode, dns = tor).
 *
 * Tor's DNSPort writes a query's name, as it came, into the STREAM events
 * of its control port. DNS labels may hold any byte: a name with CR, LF or
 * a space in it would write lines of the sandbox's choosing into every
 * control connection that follows streams, the control port filter's
 * among them, which would believe them (streams and circuits claimed for
 * another sandbox's address, lines shown to another app). So no name
 * reaches the DNSPort but a hostname's.
 *
 * The sandbox's DNS over UDP comes to this guard from its datagram island
 * (datagram_island.h), where the guard's socket is the gateway's port 53,
 * or, with lan = allow, led there by the sandbox's own nat table. The
 * guard runs in the sandbox's init with no capability: it passes on the
 * queries whose every question names a hostname (labels of letters,
 * digits, '-' and '_'), answers FORMERR to the others, and relays the
 * answers back (REFUSED at once where the gateway's port 53 is closed). It
 * forwards from a port of its own in the sandbox's namespace, the only one
 * the table lets go to the gateway's port 53 unchanged; bound before
 * COMMAND starts, no process of COMMAND's can take it. The island (or the
 * supervisor) and the host's table still wall where COMMAND's datagrams
 * go: this guard adds a third look, at what the name says. */
#ifndef TORGATE_DNS_GUARD_H
#define TORGATE_DNS_GUARD_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dns_resolver.h"
#include "ruleset.h" /* DNS_GUARD_PORT, DNS_GUARD_SOURCE_PORT */

/* Whether msg is a query (QR 0, opcode QUERY, no answer or authority
 * records) whose every question names a hostname. Pure. */
bool dns_query_acceptable(const unsigned char *msg, size_t len);

/* An error answer to the query msg: its header with QR and rcode, no
 * section; false if msg is too short to answer (it is dropped). FORMERR
 * to a name the guard refuses, REFUSED when nothing listens at the
 * gateway's port 53 (tor is not running: the answer comes at once, as the
 * ICMP error would). */
#define DNS_FORMERR 1
#define DNS_SERVFAIL 2
#define DNS_REFUSED 5
bool dns_error_answer(const unsigned char *msg, size_t len, unsigned rcode, unsigned char reply[12]);

/* The A records of an answer (every section) in Tor's automap range, into
 * addrs (host order): how many, or -1 if the answer cannot be read or
 * holds more than max. An answer with any is passed on only once its
 * sandbox may connect to them (automap.h); SERVFAIL otherwise. Pure. */
int dns_answer_automapped(const unsigned char *msg, size_t len, uint32_t *addrs, unsigned max);

struct dns_guard;
/* Binds the guard's sockets in the sandbox's network namespace (with
 * resolver's port, every type: dns_resolver.h, and a TCP listener);
 * gateway in host order. island_fd: where the sandbox has a datagram
 * island, the socket COMMAND's queries come to (its gateway:53, which the
 * guard then owns), else -1; the guard's listener on the sandbox's
 * 127.0.0.1 is there either way (the TCP side's children ask it).
 * automap_fd: the channel to the launcher that grants automapped addresses
 * (automap.h; the guard owns it), or -1 (an answer with one is then
 * SERVFAIL). Dies on failure (before COMMAND runs). */
struct dns_guard *dns_guard_open(uint32_t gateway, const struct dns_resolver *resolver, int island_fd,
                                 int automap_fd);
/* What to poll: DNS_GUARD_POLL_FDS entries. */
#define DNS_GUARD_POLL_FDS 4
void dns_guard_poll_fds(const struct dns_guard *g, struct pollfd fds[DNS_GUARD_POLL_FDS]);
/* Serves what fds (as poll returned them) say is ready. */
void dns_guard_serve(struct dns_guard *g, const struct pollfd fds[DNS_GUARD_POLL_FDS]);
/* Init reaped pid: if it was one of the guard's children, its place is
 * free. (Init reaps every child, so the guard never waits for its own: a
 * PID it kept could otherwise be reused by another process.) */
void dns_guard_child_ended(struct dns_guard *g, pid_t pid);
/* Closes its sockets (COMMAND's process, before it goes on). */
void dns_guard_close_fds(const struct dns_guard *g);

#endif
