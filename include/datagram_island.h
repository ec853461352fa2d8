/* Tor mode's datagrams, walled by where they live rather than checked one
 * by one (seccomp_policy's datagram_island).
 *
 * The island is a network namespace of the sandbox's own with nothing in it
 * but a loopback, which carries the gateway's address (with dns = tor) and,
 * on its port 53, the DNS guard's socket. Every IPv4 datagram socket of
 * COMMAND is made there: the seccomp filter hands each socket(AF_INET,
 * SOCK_DGRAM) to the supervisor, which gets one from the island's maker and
 * installs it in the calling process (SECCOMP_IOCTL_NOTIF_ADDFD). A
 * datagram such a socket sends can reach the DNS guard and nothing else
 * (ENETUNREACH): there is no link to go out by. So no connect, send or
 * sendmsg of COMMAND reaches the supervisor, and none needs to: the
 * destination of every datagram is still settled, by the island's routing,
 * and the sandbox's own namespace, where no datagram socket of COMMAND can
 * be made, keeps its firewall as the other wall.
 *
 * The maker is a process of its own, a child of init that is the island's
 * only member: it sets the island up while it still holds the capabilities
 * (privileged.c), drops them all, then makes sockets on request, in
 * batches passed back with SCM_RIGHTS, which init keeps in stock. No process of COMMAND's can enter
 * the island (setns is refused, and its namespace belongs to the host's
 * user namespace), nor put a link into it. */
#ifndef TORGATE_DATAGRAM_ISLAND_H
#define TORGATE_DATAGRAM_ISLAND_H

#include <stdbool.h>
#include <stdint.h>

struct datagram_island;

/* Forks the maker, which makes the island and its loopback while the
 * launcher makes the sandbox's link (call it while the sandbox's first
 * process still holds its capabilities, before it waits for its slot). */
struct datagram_island *datagram_island_open(bool dns, int error_fd);
/* Once the slot is known, before the sandbox's mounts: waits for the
 * island, and gives the maker the gateway (host order), which with dns it
 * puts on the island's loopback, with the DNS guard's socket bound to its
 * port 53; it then drops every capability. */
void datagram_island_place(struct datagram_island *island, uint32_t gateway);
/* The DNS guard's UDP socket in the island (ownership passes), or -1
 * without dns; the first stock of sockets is asked for. Dies if the island
 * could not be made (the maker said why). */
int datagram_island_take_dns_socket(struct datagram_island *island);
/* A new IPv4 UDP socket of the island (blocking, close-on-exec), or
 * -errno (-EPIPE: the maker is gone). From init's stock when it has one;
 * a stock running low is refilled meanwhile. */
int datagram_island_socket(struct datagram_island *island);
/* What init polls for POLLIN while a refill is on its way, else -1; then
 * datagram_island_refill() takes it into the stock. */
int datagram_island_poll_fd(const struct datagram_island *island);
void datagram_island_refill(struct datagram_island *island);
/* In COMMAND's process, before its exec: init's channel to the maker. */
void datagram_island_close_fds(const struct datagram_island *island);

#endif
