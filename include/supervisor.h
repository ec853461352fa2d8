/* Tor mode's syscall-layer rule for datagrams, served by the sandbox's init
 * from the seccomp filter's user notifications.
 *
 * With a datagram island (every tor profile without lan = allow), only
 * socket(AF_INET, SOCK_DGRAM) comes here: the supervisor installs a UDP
 * socket of the island (datagram_island.h) in the caller, and no later call
 * on it needs a look.
 *
 * With lan = allow, a datagram socket of the sandbox may connect or send
 * only to the gateway's port 53 (with dns = tor) and to RFC 1918 addresses
 * but their port 53: connect, sendto with an address, sendmsg and sendmmsg
 * come here; calls on any other kind of socket continue as they are; calls
 * on an IPv4 datagram socket are carried out by the supervisor itself, on a
 * duplicate of the socket, from a copy of the checked address and data, so
 * that no other thread can change them between the check and the send. */
#ifndef TORGATE_SUPERVISOR_H
#define TORGATE_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>

struct supervisor;

struct seccomp_policy;
struct datagram_island;
/* island: the sandbox's datagram island, or NULL where each datagram is
 * checked. */
struct supervisor *supervisor_new(int listener, const struct seccomp_policy *policy,
                                  struct datagram_island *island);
/* Receives and answers one notification; false once the listener is gone. */
bool supervisor_handle(struct supervisor *sv);
void supervisor_free(struct supervisor *sv);

#endif
