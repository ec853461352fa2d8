/* The SOCKS guard's look at a handshake (launcher/socks_handshake.c):
 * hostnames and addresses pass, names that would write lines into Tor's
 * control events do not, and nothing goes on to Tor before it was seen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "socks_handshake.h"

/* SOCKS5: a greeting offering method, then (with user) RFC 1929's user
 * name and password, then a CONNECT (cmd) to name:443. */
static size_t socks5(unsigned char *out, unsigned char method, const char *user, unsigned char cmd, const char *name,
                     size_t *greeting, size_t *auth)
{
    size_t pos = 0;
    out[pos++] = 5, out[pos++] = 1, out[pos++] = method;
    *greeting = pos;
    if (user) {
        out[pos++] = 1;
        out[pos++] = (unsigned char)strlen(user);
        memcpy(out + pos, user, strlen(user));
        pos += strlen(user);
        out[pos++] = 1, out[pos++] = 'p';
    }
    *auth = pos;
    out[pos++] = 5, out[pos++] = cmd, out[pos++] = 0, out[pos++] = 3;
    out[pos++] = (unsigned char)strlen(name);
    memcpy(out + pos, name, strlen(name));
    pos += strlen(name);
    out[pos++] = 1, out[pos++] = 0xBB;
    return pos;
}

/* SOCKS4a: CONNECT to name:80 with user id user. */
static size_t socks4a(unsigned char *out, const char *user, const char *name)
{
    static const unsigned char head[8] = {4, 1, 0, 80, 0, 0, 0, 1};
    memcpy(out, head, sizeof head);
    size_t pos = sizeof head;
    memcpy(out + pos, user, strlen(user) + 1);
    pos += strlen(user) + 1;
    memcpy(out + pos, name, strlen(name) + 1);
    return pos + strlen(name) + 1;
}

static const char *const good_names[] = {"www.example.test", "exampleexampleexampleexampleexampleexampleexampleexam.onion",
                                         "203.0.113.80", "[2001:db8::1]", "xn--bcher-kva.example", "_srv.example"};
static const char *const bad_names[] = {"x\r\n650 STREAM 4000000 NEW 17 a:1 SOURCE_ADDR=10.118.0.6:1", "a\nb.example",
                                        "a b.example", "a\"b", "a=b", "tab\there", "", "\x01", "caf\xc3\xa9.example"};

static void socks5_hostnames_pass_after_the_method(void **state)
{
    (void)state;
    unsigned char m[600];
    for (size_t i = 0; i < sizeof good_names / sizeof *good_names; i++) {
        size_t greeting, auth, safe;
        size_t len = socks5(m, 0, NULL, 0x01, good_names[i], &greeting, &auth);
        assert_int_equal(socks_handshake_check(m, len, -1, &safe), SOCKS_NEED_METHOD);
        assert_int_equal(safe, greeting); /* the greeting alone goes on first */
        assert_int_equal(socks_handshake_check(m, len, 0, &safe), SOCKS_ACCEPT);
        assert_int_equal(safe, len);
        memcpy(m + len, "GET / HTTP/1.1\r\n", 16); /* optimistic data follows the request */
        assert_int_equal(socks_handshake_check(m, len + 16, 0, &safe), SOCKS_ACCEPT);
        assert_int_equal(safe, len);
    }
}

static void socks5_injections_refused(void **state)
{
    (void)state;
    unsigned char m[600];
    for (size_t i = 0; i < sizeof bad_names / sizeof *bad_names; i++) {
        size_t greeting, auth, safe;
        for (unsigned char cmd = 0xF0; cmd; cmd = cmd == 0xF0 ? 0x01 : 0) { /* RESOLVE, then CONNECT */
            size_t len = socks5(m, 0, NULL, cmd, bad_names[i], &greeting, &auth);
            if (socks_handshake_check(m, len, 0, &safe) != SOCKS_REFUSE)
                fail_msg("name %zu passed (command 0x%x)", i, cmd);
            assert_true(safe <= greeting); /* none of the request went on */
        }
    }
}

/* Tor escapes user names and passwords in its events: any byte passes. */
static void socks5_password_method(void **state)
{
    (void)state;
    unsigned char m[600];
    size_t greeting, auth, safe;
    size_t len = socks5(m, 2, "first-party\r\nisolation", 0x01, "www.example.test", &greeting, &auth);
    assert_int_equal(socks_handshake_check(m, auth, 2, &safe), SOCKS_NEED_MORE);
    assert_int_equal(safe, auth); /* Tor answers the password before the request comes */
    assert_int_equal(socks_handshake_check(m, len, 2, &safe), SOCKS_ACCEPT);
    assert_int_equal(safe, len);
    len = socks5(m, 2, "u", 0x01, "a\r\nb", &greeting, &auth);
    assert_int_equal(socks_handshake_check(m, len, 2, &safe), SOCKS_REFUSE);
    /* Tor chose no method it offers (0xFF) or one it does not know */
    assert_int_equal(socks_handshake_check(m, len, 0xFF, &safe), SOCKS_REFUSE);
}

/* No prefix of a good handshake is refused, and none lets more than its
 * whole messages go on. */
static void prefixes_wait(void **state)
{
    (void)state;
    unsigned char m[600];
    size_t greeting, auth, safe;
    size_t len = socks5(m, 2, "user", 0x01, "www.example.test", &greeting, &auth);
    for (size_t cut = 0; cut < len; cut++) {
        enum socks_verdict v = socks_handshake_check(m, cut, 2, &safe);
        if (v != SOCKS_NEED_MORE)
            fail_msg("at %zu: verdict %d", cut, v);
        assert_true(safe == 0 || safe == greeting || safe == auth);
        assert_true(safe <= cut);
    }
    len = socks4a(m, "user", "www.example.test");
    for (size_t cut = 0; cut < len; cut++) {
        assert_int_equal(socks_handshake_check(m, cut, -1, &safe), SOCKS_NEED_MORE);
        assert_int_equal(safe, 0);
    }
}

static void socks4_and_4a(void **state)
{
    (void)state;
    unsigned char m[SOCKS_HANDSHAKE_MAX + 16];
    size_t safe;
    for (size_t i = 0; i < sizeof good_names / sizeof *good_names; i++) {
        size_t len = socks4a(m, "any\r\nuser id", good_names[i]);
        assert_int_equal(socks_handshake_check(m, len, -1, &safe), SOCKS_ACCEPT);
        assert_int_equal(safe, len);
    }
    for (size_t i = 0; i < sizeof bad_names / sizeof *bad_names; i++) {
        size_t len = socks4a(m, "", bad_names[i]);
        if (socks_handshake_check(m, len, -1, &safe) != SOCKS_REFUSE)
            fail_msg("SOCKS4a name %zu passed", i);
    }
    static const unsigned char numeric[] = {4, 1, 0, 80, 203, 0, 113, 80, 'u', 0};
    assert_int_equal(socks_handshake_check(numeric, sizeof numeric, -1, &safe), SOCKS_ACCEPT);
    assert_int_equal(safe, sizeof numeric);
    /* a user id that never ends */
    memcpy(m, numeric, 8);
    memset(m + 8, 'u', sizeof m - 8);
    assert_int_equal(socks_handshake_check(m, SOCKS_HANDSHAKE_MAX, -1, &safe), SOCKS_REFUSE);
}

/* What Tor has no use for here: BIND, UDP ASSOCIATE, other versions (an
 * HTTP request on the SocksPort), an empty greeting, unknown address types. */
static void what_tor_does_not_do(void **state)
{
    (void)state;
    unsigned char m[600];
    size_t greeting, auth, safe;
    for (unsigned char cmd = 2; cmd <= 3; cmd++) {
        size_t len = socks5(m, 0, NULL, cmd, "www.example.test", &greeting, &auth);
        assert_int_equal(socks_handshake_check(m, len, 0, &safe), SOCKS_REFUSE);
    }
    assert_int_equal(socks_handshake_check((const unsigned char *)"GET / HTTP/1.0\r\n", 16, -1, &safe), SOCKS_REFUSE);
    static const unsigned char empty_greeting[] = {5, 0};
    assert_int_equal(socks_handshake_check(empty_greeting, 2, -1, &safe), SOCKS_REFUSE);
    static const unsigned char atyp[] = {5, 1, 0, 5, 1, 0, 9, 0, 0, 0, 0, 0, 0};
    assert_int_equal(socks_handshake_check(atyp, sizeof atyp, 0, &safe), SOCKS_REFUSE);
    static const unsigned char ipv6[] = {5, 1, 0, 5, 1, 0, 4, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80};
    assert_int_equal(socks_handshake_check(ipv6, sizeof ipv6, 0, &safe), SOCKS_ACCEPT);
}

static void refusals_in_the_protocols_form(void **state)
{
    (void)state;
    unsigned char reply[10];
    static const unsigned char v4[] = {4, 1}, v5[] = {5, 1};
    assert_int_equal(socks_refusal(v4, 2, -1, reply), 8);
    assert_int_equal(reply[1], 0x5B);
    assert_int_equal(socks_refusal(v5, 2, 0, reply), 10);
    assert_int_equal(reply[0], 5);
    assert_int_equal(reply[1], 1);
    assert_int_equal(socks_refusal((const unsigned char *)"G", 1, 0, reply), 0);
    /* before Tor chose a method, the refusal is the greeting's */
    assert_int_equal(socks_refusal(v5, 2, -1, reply), 2);
    assert_int_equal(reply[1], 0xFF);
}

/* Tor's virtual addresses, in every form a request can name them: refused
 * (a sandbox reaches only its own, by its table); their neighbours pass. */
static void virtual_addresses_refused(void **state)
{
    (void)state;
    unsigned char m[600];
    size_t greeting, auth, safe;
    static const char *const virtual[] = {"10.192.0.77", "10.255.255.255", "10.12582989", "0xa.0xc0.0.77",
                                          "[fe80::1]", "fe80::1", "[febf::1]", "[::ffff:10.192.0.77]"};
    static const char *const real[] = {"10.191.255.255", "11.0.0.1", "[fec0::1]", "[::ffff:10.191.0.1]",
                                       "10.192.0.77.example"};
    for (size_t i = 0; i < sizeof virtual / sizeof *virtual; i++) {
        size_t len = socks5(m, 0, NULL, 0x01, virtual[i], &greeting, &auth);
        if (socks_handshake_check(m, len, 0, &safe) != SOCKS_REFUSE)
            fail_msg("SOCKS5 name %s passed", virtual[i]);
        len = socks4a(m, "", virtual[i]);
        if (socks_handshake_check(m, len, -1, &safe) != SOCKS_REFUSE)
            fail_msg("SOCKS4a name %s passed", virtual[i]);
    }
    for (size_t i = 0; i < sizeof real / sizeof *real; i++) {
        size_t len = socks5(m, 0, NULL, 0x01, real[i], &greeting, &auth);
        if (socks_handshake_check(m, len, 0, &safe) != SOCKS_ACCEPT)
            fail_msg("SOCKS5 name %s refused", real[i]);
    }
    static const unsigned char v4[] = {5, 1, 0, 5, 1, 0, 1, 10, 192, 0, 77, 0, 80};
    assert_int_equal(socks_handshake_check(v4, sizeof v4, 0, &safe), SOCKS_REFUSE);
    static const unsigned char v4_real[] = {5, 1, 0, 5, 1, 0, 1, 10, 191, 0, 77, 0, 80};
    assert_int_equal(socks_handshake_check(v4_real, sizeof v4_real, 0, &safe), SOCKS_ACCEPT);
    static const unsigned char v6[] = {5, 1, 0, 5, 1, 0, 4, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80};
    assert_int_equal(socks_handshake_check(v6, sizeof v6, 0, &safe), SOCKS_REFUSE);
    static const unsigned char socks4[] = {4, 1, 0, 80, 10, 192, 0, 77, 'u', 0};
    assert_int_equal(socks_handshake_check(socks4, sizeof socks4, -1, &safe), SOCKS_REFUSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(socks5_hostnames_pass_after_the_method),
        cmocka_unit_test(socks5_injections_refused),
        cmocka_unit_test(socks5_password_method),
        cmocka_unit_test(prefixes_wait),
        cmocka_unit_test(socks4_and_4a),
        cmocka_unit_test(virtual_addresses_refused),
        cmocka_unit_test(what_tor_does_not_do),
        cmocka_unit_test(refusals_in_the_protocols_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
