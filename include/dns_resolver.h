/* Every DNS type, for the profiles that ask for it (dns-types = all; the
 * older design's ttdnsd).
 *
 * Tor's DNSPort answers A, AAAA and PTR only. In a profile with dns-types
 * = all, the sandbox's DNS guard (dns_guard.h) sends a query of any other
 * type, for a name outside .onion, over TCP through Tor's SocksPort to the
 * recursive resolver that torgate.conf names ([dns] resolver), and the
 * answer back; A, AAAA, PTR and .onion names still go to the DNSPort. The
 * sandbox's TCP queries to the gateway's port 53 come to the guard too,
 * each connection served by a process of its own, whose A, AAAA and PTR
 * questions go to the guard over UDP like any other. Each query to the
 * resolver is one child process of the sandbox's init, with no
 * capability, that gives up at a deadline: no answer, or Tor's refusal,
 * is SERVFAIL. */
#ifndef TORGATE_DNS_RESOLVER_H
#define TORGATE_DNS_RESOLVER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dns_resolver {
    uint32_t gateway;    /* host order: where the SocksPort is */
    uint16_t socks_port;
    uint32_t addr;       /* the resolver, host order */
    uint16_t port;       /* 0: the profile does not ask for every type */
};

#define DNS_RESOLVER_DEADLINE_MS 5000
#define DNS_RESOLVER_CHILDREN 16 /* queries and TCP connections at once; beyond, SERVFAIL */
#define DNS_SERVFAIL 2

/* Whether a query (dns_query_acceptable() already said yes) asks for a
 * type that only the resolver answers: its one question is not A, AAAA
 * or PTR, and its name is outside .onion. Pure. */
bool dns_needs_resolver(const unsigned char *msg, size_t len);

/* The most a UDP answer to msg may take: 512, or the size its EDNS OPT
 * record gives (at most 4096). Pure. */
size_t dns_udp_limit(const unsigned char *msg, size_t len);

/* Asks r's resolver through Tor; the answer's length (with the query's
 * ID), 0 when none came by the deadline or Tor refused. Blocks. */
size_t dns_resolver_ask(const struct dns_resolver *r, const unsigned char *query, size_t len, unsigned char *answer,
                        size_t cap);

/* In a child of the guard's (the caller keeps nothing but keep open):
 * answers the UDP query msg from client on fd, through the resolver, then
 * _exits. SERVFAIL when no answer came; TC set and no record when the
 * answer is larger than the client takes. */
__attribute__((noreturn)) void dns_resolver_udp_child(int fd, const struct sockaddr_in *client,
                                                      const unsigned char *msg, size_t len,
                                                      const struct dns_resolver *r);

/* In a child of the guard's: serves one TCP connection from the sandbox
 * (RFC 7766 framing) until it ends or idles past the deadline, then
 * _exits. guard_port is where the guard takes UDP queries. */
__attribute__((noreturn)) void dns_resolver_tcp_child(int conn, const struct dns_resolver *r, uint16_t guard_port);

#endif
