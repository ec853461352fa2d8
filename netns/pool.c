/* Address pool arithmetic: slots, their addresses and their link names. */
#include "pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

uint32_t pool_slot_count(const struct prefix4 *pool)
{
    return 1u << (SLOT_PREFIX_LEN - pool->len);
}

bool pool_slot(const struct prefix4 *pool, uint32_t index, struct slot *slot)
{
    if (index >= pool_slot_count(pool))
        return false;
    uint32_t base = pool->addr + (index << (32 - SLOT_PREFIX_LEN));
    memset(slot, 0, sizeof *slot); /* the whole struct crosses a pipe */
    slot->index = index;
    slot->gateway = base + 1;
    slot->address = base + 2;
    snprintf(slot->host_ifname, sizeof slot->host_ifname, HOST_IFNAME_PREFIX "%u", index);
    return true;
}

bool pool_sandbox_address(const struct prefix4 *pool, uint32_t addr)
{
    uint32_t mask = pool->len ? ~0u << (32 - pool->len) : 0;
    return (addr & mask) == pool->addr && (addr & ((1u << (32 - SLOT_PREFIX_LEN)) - 1)) == 2;
}

bool pool_parse_ifname(const char *name, uint32_t *index)
{
    const char *p = name + strlen(HOST_IFNAME_PREFIX);
    if (strncmp(name, HOST_IFNAME_PREFIX, strlen(HOST_IFNAME_PREFIX)) != 0 || *p < '0' || *p > '9')
        return false;
    if (p[0] == '0' && p[1] != '\0')
        return false;
    uint64_t v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > UINT32_MAX)
            return false;
    }
    *index = (uint32_t)v;
    return true;
}

void slot_set_init(struct slot_set *set, uint32_t count)
{
    set->count = count;
    set->bits = xcalloc((count + 7) / 8, 1);
}

void slot_set_add(struct slot_set *set, uint32_t index)
{
    if (index < set->count)
        set->bits[index / 8] |= (unsigned char)(1u << (index % 8));
}

bool slot_set_next_free(const struct slot_set *set, uint32_t start, uint32_t *index)
{
    for (uint32_t n = 0; n < set->count; n++) {
        uint32_t i = (uint32_t)(((uint64_t)start + n) % set->count);
        if (!(set->bits[i / 8] & (1u << (i % 8)))) {
            *index = i;
            return true;
        }
    }
    return false;
}

void slot_set_clear(struct slot_set *set)
{
    free(set->bits);
    set->bits = NULL;
    set->count = 0;
}
