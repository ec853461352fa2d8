/* Load generator and sinks for `make bench`: sequential TCP connects and DNS
 * round trips, so that the seccomp layer's cost per call can be measured.
 *
 *   netload serve-tcp PORT          accept and close, forever (127.0.0.1)
 *   netload serve-dns PORT          answer every datagram, forever (127.0.0.1)
 *   netload connect ADDR PORT N     N connects, each closed at once
 *   netload dns SERVER|auto N       N lookups the way glibc makes them: a UDP
 *                                   socket, connect, send, receive, close
 *                                   (auto: the nameserver of /etc/resolv.conf)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void fail(const char *what)
{
    perror(what);
    exit(1);
}

static struct sockaddr_in address(const char *addr, int port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
        fail("address");
    return sin;
}

static int bound(int type, int port)
{
    int s = socket(AF_INET, type, 0), one = 1;
    struct sockaddr_in sin = address("127.0.0.1", port);
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(s, (struct sockaddr *)&sin, sizeof sin))
        fail("bind");
    return s;
}

static void serve_tcp(int port)
{
    int s = bound(SOCK_STREAM, port);
    if (listen(s, 4096))
        fail("listen");
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c >= 0)
            close(c);
    }
}

static void serve_dns(int port)
{
    int s = bound(SOCK_DGRAM, port);
    unsigned char buf[512];
    for (;;) {
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n < 12)
            continue;
        buf[2] |= 0x80; /* a response, NOERROR, no answers: enough for a round trip */
        sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
    }
}

static void connects(const char *addr, int port, long n)
{
    struct sockaddr_in sin = address(addr, port);
    for (long i = 0; i < n; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0 || connect(s, (struct sockaddr *)&sin, sizeof sin))
            fail("connect");
        close(s);
    }
}

static const char *resolver(const char *server)
{
    static char found[64];
    if (strcmp(server, "auto") != 0)
        return server;
    FILE *f = fopen("/etc/resolv.conf", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "nameserver %63s", found) == 1)
            return found;
    fail("resolv.conf");
    return NULL;
}

static void lookups(const char *server, long n)
{
    static const unsigned char query[] = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 7, 'e', 'x',
                                          'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1};
    struct sockaddr_in sin = address(resolver(server), 53);
    unsigned char buf[512];
    for (long i = 0; i < n; i++) {
        int s = socket(AF_INET, SOCK_DGRAM, 0);
        /* a lost datagram must fail the run, not hang it */
        struct timeval two_seconds = {.tv_sec = 2};
        if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &two_seconds, sizeof two_seconds) ||
            connect(s, (struct sockaddr *)&sin, sizeof sin))
            fail("connect");
        if (send(s, query, sizeof query, 0) != (ssize_t)sizeof query)
            fail("send");
        if (recv(s, buf, sizeof buf, 0) < 12)
            fail("recv");
        close(s);
    }
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "serve-tcp"))
        serve_tcp(atoi(argv[2]));
    else if (argc == 3 && !strcmp(argv[1], "serve-dns"))
        serve_dns(atoi(argv[2]));
    else if (argc == 5 && !strcmp(argv[1], "connect"))
        connects(argv[2], atoi(argv[3]), atol(argv[4]));
    else if (argc == 4 && !strcmp(argv[1], "dns"))
        lookups(argv[2], atol(argv[3]));
    else {
        fprintf(stderr, "usage: see the comment at the top of tests/bench/netload.c\n");
        return 2;
    }
    return 0;
}
