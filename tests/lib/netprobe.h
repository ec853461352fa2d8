/* Small helpers shared by the test programs that try the network from
 * inside a sandbox (tests/probe/probe.c, tests/leak/leak.c). */
#ifndef TORGATE_TESTS_NETPROBE_H
#define TORGATE_TESTS_NETPROBE_H

#include <stdint.h>
#include <sys/socket.h>

/* "EPERM", or "E<number>" for an errno without a name. */
const char *errname(int e);
/* A decimal port, 0-65535; -1 if s is not one. */
int parse_port(const char *s, uint16_t *port);
/* A numeric IPv4 or IPv6 address (IPv6 optionally in brackets and with a
 * %scope) and a decimal port, into ss; its length, or 0 if either is bad. */
socklen_t parse_addr(const char *host, const char *port, struct sockaddr_storage *ss);
/* CLOCK_MONOTONIC in milliseconds. */
long now_ms(void);
/* Waits up to ms for events on fd: 1 ready, 0 timed out, -1 error. */
int wait_fd(int fd, short events, long ms);
/* Connects the non-blocking socket fd to sa, waiting up to ms. 0 once
 * connected; else the errno value, with *step the call that failed
 * ("connect", "poll" or "getsockopt"), or -1 when the time ran out. */
int connect_within(int fd, const struct sockaddr *sa, socklen_t len, long ms, const char **step);
/* "NOERROR", "NXDOMAIN"..., or "RCODE<n>". */
const char *rcode_name(int rc);

#endif
