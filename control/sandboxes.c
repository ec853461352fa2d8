/* See control_sandboxes.h. */
#include "control_sandboxes.h"

#include "pool.h"
#include "rtnl.h"

bool sandbox_owner(struct nl_sock *sk, const struct prefix4 *pool, uint32_t addr, unsigned *uid)
{
    struct slot slot;
    return pool_sandbox_address(pool, addr) &&
           pool_slot(pool, (addr - pool->addr) >> (32 - SLOT_PREFIX_LEN), &slot) && slot.address == addr &&
           link_owner(sk, slot.host_ifname, uid);
}
