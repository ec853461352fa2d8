/* See socks_handshake.h. RFC 1928 and 1929, SOCKS 4 and 4a, and Tor's
 * extensions (socks-extensions.txt): the commands RESOLVE and RESOLVE_PTR. */
#include "socks_handshake.h"

#include <arpa/inet.h>
#include <string.h>

#include "addresses.h"
#include "util.h"

#define CMD_CONNECT 0x01
#define CMD_RESOLVE 0xF0     /* Tor's: a name to an address */
#define CMD_RESOLVE_PTR 0xF1 /* Tor's: an address to a name */
#define METHOD_NONE 0x00
#define METHOD_PASSWORD 0x02
#define ATYP_IPV4 0x01
#define ATYP_NAME 0x03
#define ATYP_IPV6 0x04

static bool command_known(unsigned char cmd)
{
    return cmd == CMD_CONNECT || cmd == CMD_RESOLVE || cmd == CMD_RESOLVE_PTR;
}

/* A hostname (labels of hostname bytes and dots), a dotted IPv4 address, or
 * an IPv6 one in brackets: nothing that Tor would print as more than one
 * word of an event. */
static bool destination_acceptable(const unsigned char *name, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!hostname_byte(name[i]) && name[i] != '.' && name[i] != ':' && name[i] != '[' && name[i] != ']')
            return false;
    return true;
}

/* Tor's virtual addresses: its IPv4 automap range, and (its default
 * VirtualAddrNetworkIPv6) fe80::/10, also as an IPv4-mapped address. A
 * sandbox reaches only those its own DNS was answered with, which its
 * table sees to (automap.h); a SOCKS request would go around the table,
 * since Tor maps every client's, so the guard refuses them all. */
static bool virtual_ipv4(const unsigned char a[4])
{
    return prefix4_contains(&tor_automap, (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3]);
}

static bool virtual_ipv6(const unsigned char a[16])
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || (memcmp(a, mapped, sizeof mapped) == 0 && virtual_ipv4(a + 12));
}

/* A name that is such an address in any form Tor or inet_aton reads
 * (dotted, with fewer parts, hexadecimal; IPv6 with or without brackets). */
static bool virtual_name(const unsigned char *name, size_t len)
{
    char text[256];
    if (len >= sizeof text)
        return false;
    memcpy(text, name, len);
    text[len] = '\0';
    struct in_addr v4;
    if (inet_aton(text, &v4))
        return virtual_ipv4((const unsigned char *)&v4.s_addr);
    char *t = text;
    if (len >= 2 && t[0] == '[' && t[len - 1] == ']') {
        t[len - 1] = '\0';
        t++;
    }
    unsigned char v6[16];
    return inet_pton(AF_INET6, t, v6) == 1 && virtual_ipv6(v6);
}

/* SOCKS 4 and 4a: VN CD DSTPORT(2) DSTIP(4) USERID NUL [HOSTNAME NUL]. */
static enum socks_verdict check_socks4(const unsigned char *msg, size_t len, size_t *safe)
{
    if (len < 2)
        return SOCKS_NEED_MORE;
    if (!command_known(msg[1]))
        return SOCKS_REFUSE;
    if (len < 9)
        return SOCKS_NEED_MORE;
    const unsigned char *user_end = memchr(msg + 8, 0, len - 8);
    if (!user_end)
        return len >= SOCKS_HANDSHAKE_MAX ? SOCKS_REFUSE : SOCKS_NEED_MORE;
    size_t end = (size_t)(user_end - msg) + 1;
    bool socks4a = msg[4] == 0 && msg[5] == 0 && msg[6] == 0 && msg[7] != 0;
    if (socks4a) {
        const unsigned char *name_end = memchr(msg + end, 0, len - end);
        if (!name_end)
            return len >= SOCKS_HANDSHAKE_MAX ? SOCKS_REFUSE : SOCKS_NEED_MORE;
        if (!destination_acceptable(msg + end, (size_t)(name_end - msg) - end) ||
            virtual_name(msg + end, (size_t)(name_end - msg) - end))
            return SOCKS_REFUSE;
        end = (size_t)(name_end - msg) + 1;
    } else if (virtual_ipv4(msg + 4)) {
        return SOCKS_REFUSE;
    }
    *safe = end;
    return SOCKS_ACCEPT;
}

/* SOCKS 5's request at msg + at: VER CMD RSV ATYP DST.ADDR DST.PORT(2). */
static enum socks_verdict check_socks5_request(const unsigned char *msg, size_t len, size_t at, size_t *safe)
{
    if (len < at + 5)
        return SOCKS_NEED_MORE;
    const unsigned char *r = msg + at;
    if (r[0] != 5 || !command_known(r[1]) || r[2] != 0)
        return SOCKS_REFUSE;
    size_t end;
    switch (r[3]) {
    case ATYP_IPV4:
        end = at + 4 + 4 + 2;
        if (len >= end - 2 && virtual_ipv4(r + 4))
            return SOCKS_REFUSE;
        break;
    case ATYP_IPV6:
        end = at + 4 + 16 + 2;
        if (len >= end - 2 && virtual_ipv6(r + 4))
            return SOCKS_REFUSE;
        break;
    case ATYP_NAME:
        end = at + 5 + r[4] + 2;
        if (len >= end - 2 && (!destination_acceptable(r + 5, r[4]) || virtual_name(r + 5, r[4])))
            return SOCKS_REFUSE;
        break;
    default:
        return SOCKS_REFUSE;
    }
    if (len < end)
        return SOCKS_NEED_MORE;
    *safe = end;
    return SOCKS_ACCEPT;
}

/* SOCKS 5: greeting (VER NMETHODS METHODS), what the chosen method asks
 * (RFC 1929: VER ULEN UNAME PLEN PASSWD), then the request. */
static enum socks_verdict check_socks5(const unsigned char *msg, size_t len, int method, size_t *safe)
{
    if (len < 2)
        return SOCKS_NEED_MORE;
    if (msg[1] == 0)
        return SOCKS_REFUSE;
    size_t greeting = 2 + (size_t)msg[1];
    if (len < greeting)
        return SOCKS_NEED_MORE;
    *safe = greeting;
    if (method < 0)
        return SOCKS_NEED_METHOD;
    size_t at = greeting;
    if (method == METHOD_PASSWORD) {
        if (len < at + 2)
            return SOCKS_NEED_MORE;
        if (msg[at] != 1)
            return SOCKS_REFUSE;
        size_t user = msg[at + 1];
        if (len < at + 2 + user + 1)
            return SOCKS_NEED_MORE;
        at += 2 + user + 1 + msg[at + 2 + user];
        if (len < at)
            return SOCKS_NEED_MORE;
        *safe = at; /* Tor answers it before the request comes */
    } else if (method != METHOD_NONE) {
        return SOCKS_REFUSE; /* none Tor offers: it closes the connection */
    }
    return check_socks5_request(msg, len, at, safe);
}

enum socks_verdict socks_handshake_check(const unsigned char *msg, size_t len, int method, size_t *safe)
{
    *safe = 0;
    if (len == 0)
        return SOCKS_NEED_MORE;
    enum socks_verdict v = msg[0] == 4   ? check_socks4(msg, len, safe)
                           : msg[0] == 5 ? check_socks5(msg, len, method, safe)
                                         : SOCKS_REFUSE;
    if (v == SOCKS_NEED_MORE && len >= SOCKS_HANDSHAKE_MAX)
        return SOCKS_REFUSE;
    return v;
}

size_t socks_refusal(const unsigned char *msg, size_t len, int method, unsigned char reply[10])
{
    if (len == 0)
        return 0;
    memset(reply, 0, 10);
    if (msg[0] == 4) {
        reply[1] = 0x5B; /* request rejected or failed */
        return 8;
    }
    if (msg[0] != 5)
        return 0;
    reply[0] = 5;
    if (method < 0) {
        reply[1] = 0xFF; /* the greeting's refusal: no acceptable method */
        return 2;
    }
    reply[1] = 0x01; /* general failure, as Tor answers a name it will not take */
    reply[3] = ATYP_IPV4;
    return 10;
}
