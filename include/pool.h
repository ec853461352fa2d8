/* The address pool: sandbox N owns the /30 at pool + 4N, with the gateway (the
 * host end of its veth, named "tgN") at .1 and the sandbox end at .2. Owning
 * the link name is owning the slot: the kernel refuses a second link of the
 * same name, and the link dies with the sandbox's network namespace, so slots
 * need no lock file and nothing is left behind by a crash. */
#ifndef TORGATE_POOL_H
#define TORGATE_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

#define SLOT_PREFIX_LEN 30
#define HOST_IFNAME_PREFIX "tg" /* the firewall matches "tg*" */
#define SANDBOX_IFNAME "eth0"

#define NO_SLOT UINT32_MAX /* an offline sandbox: no link */

struct slot {
    uint32_t index;
    uint32_t gateway; /* host order */
    uint32_t address; /* host order */
    char host_ifname[16];
};

uint32_t pool_slot_count(const struct prefix4 *pool);
/* Fills *slot for index; false if index is outside the pool. */
bool pool_slot(const struct prefix4 *pool, uint32_t index, struct slot *slot);
/* The slot index a host link name stands for, or false if it is not "tgN". */
bool pool_parse_ifname(const char *name, uint32_t *index);
/* Whether addr (host order) is a sandbox's own address: the .2 of a slot
 * of the pool (the .1 is the host's end). */
bool pool_sandbox_address(const struct prefix4 *pool, uint32_t addr);

/* A set of taken slots, filled from the host's links. */
struct slot_set {
    uint32_t count;
    unsigned char *bits;
};
void slot_set_init(struct slot_set *set, uint32_t count);
void slot_set_add(struct slot_set *set, uint32_t index);
/* The first free index at or after start, wrapping around; false if none. */
bool slot_set_next_free(const struct slot_set *set, uint32_t start, uint32_t *index);
void slot_set_clear(struct slot_set *set);

#endif
