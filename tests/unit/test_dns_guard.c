/* The DNS guard's look at a query (launcher/dns_guard.c): hostnames pass,
 * names that would write lines into Tor's control events do not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns_guard.h"

/* A query for name (dotted; each label as given, any bytes) of type qtype,
 * with an EDNS OPT record when edns; its length in *len. */
static size_t query(unsigned char *out, const char *name, unsigned qtype, bool edns)
{
    static const unsigned char header[12] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    memcpy(out, header, sizeof header);
    out[11] = edns;
    size_t pos = 12;
    for (const char *p = name; *p;) {
        size_t len = strcspn(p, ".");
        out[pos++] = (unsigned char)len;
        memcpy(out + pos, p, len);
        pos += len;
        p += len + (p[len] == '.');
    }
    out[pos++] = 0;
    out[pos++] = (unsigned char)(qtype >> 8), out[pos++] = (unsigned char)qtype;
    out[pos++] = 0, out[pos++] = 1;
    if (edns) {
        static const unsigned char opt[] = {0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0};
        memcpy(out + pos, opt, sizeof opt);
        pos += sizeof opt;
    }
    return pos;
}

static void hostnames_pass(void **state)
{
    (void)state;
    unsigned char q[512];
    static const char *const names[] = {"www.example.test", "2.0.113.203.in-addr.arpa", "_xmpp-client._tcp.example.org",
                                        "xn--bcher-kva.example", "exampleexampleexampleexample.onion", ""};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t len = query(q, names[i], 1, i % 2);
        if (!dns_query_acceptable(q, len))
            fail_msg("'%s' refused", names[i]);
    }
}

/* What tor would write into its events as it came: line ends, spaces,
 * control bytes, and what cannot be read as a plain name. */
static void injections_refused(void **state)
{
    (void)state;
    unsigned char q[512];
    static const char *const names[] = {
        "x\r\n650 STREAM 4000000 NEW 17 a:1 SOURCE_ADDR=10.118.0.6:1.example", "a\nb.example",
        "a\rb.example", "a b.example", "a\tb.example", "a\x01" "b.example", "a:b.example", "a=b.example",
        "caf\xc3\xa9.example",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t len = query(q, names[i], 1, false);
        if (dns_query_acceptable(q, len))
            fail_msg("name %zu accepted", i);
    }
    /* a compression pointer, a label past the end, a truncated question */
    size_t len = query(q, "www.example.test", 1, false);
    unsigned char bad[512];
    memcpy(bad, q, len);
    bad[12] = 0xC0;
    assert_false(dns_query_acceptable(bad, len));
    memcpy(bad, q, len);
    bad[12] = 60;
    assert_false(dns_query_acceptable(bad, 12 + 20));
    assert_false(dns_query_acceptable(q, len - 2));
    /* no question, an answer (a response in disguise), a response, another opcode */
    memcpy(bad, q, len);
    bad[5] = 0;
    assert_false(dns_query_acceptable(bad, len));
    memcpy(bad, q, len);
    bad[7] = 1;
    assert_false(dns_query_acceptable(bad, len));
    memcpy(bad, q, len);
    bad[2] |= 0x80;
    assert_false(dns_query_acceptable(bad, len));
    memcpy(bad, q, len);
    bad[2] |= 0x28; /* opcode 5, UPDATE */
    assert_false(dns_query_acceptable(bad, len));
    assert_false(dns_query_acceptable(q, 11));
}

/* The answer to a refused query: its ID, QR, the rcode, nothing else. */
static void formerr_answers(void **state)
{
    (void)state;
    unsigned char q[512], reply[12];
    size_t len = query(q, "a b.example", 1, false);
    assert_true(dns_error_answer(q, len, DNS_FORMERR, reply));
    static const unsigned char want[12] = {0x12, 0x34, 0x81, 0x01, 0, 0, 0, 0, 0, 0, 0, 0};
    assert_memory_equal(reply, want, sizeof want);
    assert_true(dns_error_answer(q, len, DNS_REFUSED, reply));
    assert_int_equal(reply[3], 5);
    assert_false(dns_error_answer(q, 11, DNS_FORMERR, reply));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostnames_pass),
        cmocka_unit_test(injections_refused),
        cmocka_unit_test(formerr_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
