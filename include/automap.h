/* Tor's automapped addresses, granted sandbox by sandbox.
 *
 * Tor's DNSPort answers a .onion name (and every AutomapHostsSuffixes name)
 * with a virtual address of its automap range, and its TransPort carries a
 * connection to that address to the name. The map is one for all of Tor's
 * clients: without a wall, a sandbox could reach what another sandbox's
 * names were mapped to, or find by trying which onion services another
 * sandbox visits. So each tor sandbox's own table refuses TCP to the range
 * but to the addresses of its set automapped (ruleset.h), and only the
 * sandbox's launcher, outside the sandbox and holding CAP_NET_ADMIN, writes
 * that set: its DNS guard asks for the automapped addresses of each answer
 * from Tor before the answer goes on, and a refused or unanswered request
 * turns the answer into SERVFAIL. COMMAND can neither write the set nor
 * reach the launcher.
 *
 * One SOCK_SEQPACKET channel per sandbox: its first process hands the
 * launcher a netlink socket of the sandbox's namespace (which the launcher
 * could not open there); then each request is a sequence number and 1 to
 * AUTOMAP_GRANT_MAX addresses, each answer the sequence number and one
 * byte, 0 for granted (network order). */
#ifndef TORGATE_AUTOMAP_H
#define TORGATE_AUTOMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "sandbox_nat.h" /* AUTOMAP_GRANT_MAX */

/* How long the DNS guard waits for the launcher's answer. */
#define AUTOMAP_WAIT_MS 1000

/* The sandbox's first process, once its table exists: hands the launcher
 * nl, the socket that writes the set (priv_sandbox_nat_socket()). Dies on
 * failure. */
void automap_hand_socket(int channel, int nl);
/* The launcher, once COMMAND runs: that socket, or -1 if the sandbox never
 * sent it (its DNS guard's requests are then refused). */
int automap_take_socket(int channel);
/* The launcher, while the sandbox runs: answers its requests, granting
 * each with grant over nl (priv_automap_grant(), with CAP_NET_ADMIN kept
 * permitted for this), until the channel closes: the sandbox's processes
 * that held its end (its init, whose DNS guard asks) are gone, which is
 * when the sandbox ends (or, without a DNS guard, at once). */
typedef int automap_grant_fn(int nl, const uint32_t *addrs, unsigned n);
void automap_serve(int channel, int nl, automap_grant_fn *grant);
/* The DNS guard's end: asks for addrs (host order, 1 to AUTOMAP_GRANT_MAX);
 * true once granted, false if refused or not answered within
 * AUTOMAP_WAIT_MS. Once a request went unanswered, the next ones are
 * refused at once until the launcher answers again (a stopped launcher
 * must not hold init's loop a second per answer). */
struct automap_client {
    int channel; /* or -1: every request refused */
    uint32_t seq;
    bool stalled;
};
bool automap_ask(struct automap_client *c, const uint32_t *addrs, unsigned n);

#endif
