/* The LAN exception's ranges; see addresses.h. */
#include "addresses.h"

#include "util.h"

const struct prefix4 tor_automap = {0x0AC00000u, 10}; /* 10.192.0.0/10 */

static const struct prefix4 rfc1918[] = {
    {0x0A000000u, 8},  /* 10.0.0.0/8 */
    {0xAC100000u, 12}, /* 172.16.0.0/12 */
    {0xC0A80000u, 16}, /* 192.168.0.0/16 */
};

bool prefix4_contains(const struct prefix4 *net, uint32_t addr)
{
    uint32_t mask = net->len ? ~0u << (32 - net->len) : 0;
    return (addr & mask) == net->addr;
}

bool lan_direct(uint32_t addr, const struct prefix4 *pool)
{
    if (prefix4_contains(&tor_automap, addr) || prefix4_contains(pool, addr))
        return false;
    for (size_t i = 0; i < N_ELEMENTS(rfc1918); i++)
        if (prefix4_contains(&rfc1918[i], addr))
            return true;
    return false;
}

char *rfc1918_nft(void)
{
    char a[3][16];
    for (size_t i = 0; i < N_ELEMENTS(rfc1918); i++)
        format_addr4(rfc1918[i].addr, a[i]);
    return xasprintf("{ %s/%u, %s/%u, %s/%u }", a[0], rfc1918[0].len, a[1], rfc1918[1].len, a[2], rfc1918[2].len);
}

char *lan_direct_nft(const struct prefix4 *pool)
{
    char automap[16], p[16];
    autofree char *lan = rfc1918_nft();
    return xasprintf("ip daddr %s ip daddr != { %s/%u, %s/%u }", lan, format_addr4(tor_automap.addr, automap),
                     tor_automap.len, format_addr4(pool->addr, p), pool->len);
}
