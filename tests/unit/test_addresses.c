/* The LAN exception's ranges (addresses.h), shared by the firewall's rules
 * and the supervisor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "addresses.h"

static const struct prefix4 pool = {0x0A760000u, 16}; /* 10.118.0.0/16 */

static void lan_is_rfc1918(void **state)
{
    (void)state;
    assert_true(lan_direct(0xC0A84D02u, &pool));  /* 192.168.77.2 */
    assert_true(lan_direct(0xAC100001u, &pool));  /* 172.16.0.1 */
    assert_true(lan_direct(0xAC1FFFFFu, &pool));  /* 172.31.255.255 */
    assert_true(lan_direct(0x0A000001u, &pool));  /* 10.0.0.1 */
    assert_false(lan_direct(0xAC200001u, &pool)); /* 172.32.0.1 */
    assert_false(lan_direct(0xCB00710Au, &pool)); /* 203.0.113.10 */
}

static void lan_never_covers_what_tor_carries(void **state)
{
    (void)state;
    assert_false(lan_direct(0x0AC0004Du, &pool)); /* 10.192.0.77, automapped */
    assert_false(lan_direct(0x0AFFFFFFu, &pool)); /* 10.255.255.255, automap's last */
    assert_true(lan_direct(0x0ABFFFFFu, &pool));  /* 10.191.255.255, just below it */
    assert_false(lan_direct(0x0A760001u, &pool)); /* 10.118.0.1, a gateway */
}

static void nft_text_says_the_same(void **state)
{
    (void)state;
    char *text = lan_direct_nft(&pool);
    assert_string_equal(text, "ip daddr { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 } ip daddr != { 10.192.0.0/10, "
                              "10.118.0.0/16 }");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lan_is_rfc1918),
        cmocka_unit_test(lan_never_covers_what_tor_carries),
        cmocka_unit_test(nft_text_says_the_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
