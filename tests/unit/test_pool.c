/* Address pool arithmetic and slot bookkeeping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pool.h"

static void slots_are_slash_30s(void **state)
{
    (void)state;
    struct prefix4 pool = {0x0A760000u, 16};
    struct slot s;
    assert_int_equal(pool_slot_count(&pool), 16384);
    assert_true(pool_slot(&pool, 0, &s));
    assert_int_equal(s.gateway, 0x0A760001u);
    assert_int_equal(s.address, 0x0A760002u);
    assert_string_equal(s.host_ifname, "tg0");
    assert_true(pool_slot(&pool, 16383, &s));
    assert_int_equal(s.gateway, 0x0A76FFFDu);
    assert_int_equal(s.address, 0x0A76FFFEu);
    assert_string_equal(s.host_ifname, "tg16383");
    assert_false(pool_slot(&pool, 16384, &s));
}

static void smallest_pool_has_one_slot(void **state)
{
    (void)state;
    struct prefix4 pool = {0xC0A80A00u, 30};
    struct slot s;
    assert_int_equal(pool_slot_count(&pool), 1);
    assert_true(pool_slot(&pool, 0, &s));
    assert_false(pool_slot(&pool, 1, &s));
}

static void ifnames_parse_back(void **state)
{
    (void)state;
    uint32_t i;
    assert_true(pool_parse_ifname("tg0", &i));
    assert_int_equal(i, 0);
    assert_true(pool_parse_ifname("tg4194303", &i));
    assert_int_equal(i, 4194303);
    assert_false(pool_parse_ifname("tg", &i));
    assert_false(pool_parse_ifname("tg01", &i));
    assert_false(pool_parse_ifname("tgx", &i));
    assert_false(pool_parse_ifname("tg1a", &i));
    assert_false(pool_parse_ifname("eth0", &i));
    assert_false(pool_parse_ifname("tg99999999999", &i));
}

/* A sandbox's own address is the .2 of a slot, in the pool; its gateway
 * (.1), the slot's network and broadcast, and other networks are not. */
static void sandbox_addresses(void **state)
{
    (void)state;
    struct prefix4 pool = {0x0A760000u, 16}; /* 10.118.0.0/16 */
    assert_true(pool_sandbox_address(&pool, 0x0A760002u));
    assert_true(pool_sandbox_address(&pool, 0x0A76FFFEu));
    assert_false(pool_sandbox_address(&pool, 0x0A760001u));
    assert_false(pool_sandbox_address(&pool, 0x0A760003u));
    assert_false(pool_sandbox_address(&pool, 0x0A760004u));
    assert_false(pool_sandbox_address(&pool, 0x0A770002u));
    assert_false(pool_sandbox_address(&pool, 0x7F000001u));
}

static void next_free_skips_taken_and_wraps(void **state)
{
    (void)state;
    struct slot_set set;
    uint32_t i;
    slot_set_init(&set, 20);
    assert_true(slot_set_next_free(&set, 0, &i));
    assert_int_equal(i, 0);
    slot_set_add(&set, 0);
    slot_set_add(&set, 1);
    slot_set_add(&set, 3);
    slot_set_add(&set, 500); /* outside: ignored */
    assert_true(slot_set_next_free(&set, 0, &i));
    assert_int_equal(i, 2);
    assert_true(slot_set_next_free(&set, 3, &i));
    assert_int_equal(i, 4);
    for (uint32_t k = 4; k < 20; k++)
        slot_set_add(&set, k);
    assert_true(slot_set_next_free(&set, 19, &i)); /* wraps around */
    assert_int_equal(i, 2);
    for (uint32_t k = 0; k < 20; k++)
        slot_set_add(&set, k);
    assert_false(slot_set_next_free(&set, 0, &i));
    slot_set_clear(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slots_are_slash_30s),
        cmocka_unit_test(smallest_pool_has_one_slot),
        cmocka_unit_test(ifnames_parse_back),
        cmocka_unit_test(next_free_skips_taken_and_wraps),
        cmocka_unit_test(sandbox_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
