/* The DNS guard's look at a query (launcher/dns_guard.c): hostnames pass,
 * names that would write lines into Tor's control events do not; and at an
 * answer: which automapped addresses it holds. */
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

/* What only the resolver answers (dns-types = all, dns_resolver.c): any
 * type but A, AAAA and PTR, for a name outside .onion. */
static void types_for_the_resolver(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        unsigned type;
        bool resolver;
    } cases[] = {
        {"www.example.test", 1, false},          {"www.example.test", 28, false},
        {"2.0.113.203.in-addr.arpa", 12, false}, {"example.test", 15, true},
        {"example.test", 16, true},              {"_xmpp-client._tcp.example.test", 33, true},
        {"example.test", 2, true},               {"example.test", 6, true},
        {"example.test", 257, true},             {"example.test", 48, true},
        {"example.test", 255, true},             {"exampleexample.onion", 15, false},
        {"www.exampleexample.ONION", 16, false}, {"onion.example.test", 15, true},
    };
    unsigned char q[512];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len = query(q, cases[i].name, cases[i].type, i % 2);
        if (dns_needs_resolver(q, len) != cases[i].resolver)
            fail_msg("%s type %u: %s", cases[i].name, cases[i].type, cases[i].resolver ? "not sent" : "sent");
    }
    assert_false(dns_needs_resolver(q, 11));
    /* Two questions, the second an .onion name: never to the resolver,
     * though the first alone would go (control). */
    size_t len = query(q, "example.test", 15, false);
    assert_true(dns_needs_resolver(q, len));
    unsigned char second[64];
    size_t extra = query(second, "exampleexample.onion", 15, false) - 12;
    memcpy(q + len, second + 12, extra);
    q[5] = 2;
    assert_true(dns_query_acceptable(q, len + extra));
    assert_false(dns_needs_resolver(q, len + extra));
}

/* How large a UDP answer the client takes: 512 without EDNS, else its
 * OPT record's size, from 512 to 4096. */
static void udp_limits(void **state)
{
    (void)state;
    unsigned char q[512];
    size_t len = query(q, "example.test", 15, false);
    assert_int_equal(dns_udp_limit(q, len), 512);
    len = query(q, "example.test", 15, true);
    assert_int_equal(dns_udp_limit(q, len), 4096); /* the OPT's class: 0x1000 */
    static const struct {
        unsigned char hi, lo;
        size_t limit;
    } sizes[] = {{0x04, 0xD0, 1232}, {0x00, 100, 512}, {0xFF, 0xFF, 4096}};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        q[len - 8] = sizes[i].hi, q[len - 7] = sizes[i].lo;
        assert_int_equal(dns_udp_limit(q, len), sizes[i].limit);
    }
    assert_int_equal(dns_udp_limit(q, len - 3), 512); /* a cut OPT record */
}

/* An answer to query q (len bytes): its header made an answer, then one
 * record a name pointer to the question, of type, with rdata; *len grows. */
static void add_record(unsigned char *q, size_t *len, unsigned type, const unsigned char *rdata, unsigned rdlength)
{
    q[2] |= 0x80;
    q[7]++; /* ANCOUNT, under 256 here */
    unsigned char rr[12] = {0xC0, 12, (unsigned char)(type >> 8), (unsigned char)type, 0, 1, 0, 0, 0, 60, 0,
                            (unsigned char)rdlength};
    memcpy(q + *len, rr, sizeof rr);
    memcpy(q + *len + sizeof rr, rdata, rdlength);
    *len += sizeof rr + rdlength;
}

static void automapped_addresses_found(void **state)
{
    (void)state;
    unsigned char q[1024];
    uint32_t addrs[4];
    size_t len = query(q, "exampleexample.onion", 1, false);
    assert_int_equal(dns_answer_automapped(q, len, addrs, 4), 0); /* the query itself: none */
    static const unsigned char mapped[4] = {10, 192, 0, 77}, edge[4] = {10, 255, 255, 255},
                               lan[4] = {10, 191, 255, 255}, web[4] = {203, 0, 113, 10};
    add_record(q, &len, 1, web, 4);
    add_record(q, &len, 1, lan, 4);
    assert_int_equal(dns_answer_automapped(q, len, addrs, 4), 0); /* outside 10.192.0.0/10: none */
    add_record(q, &len, 1, mapped, 4);
    add_record(q, &len, 28, (const unsigned char *)"0123456789abcdef", 16); /* AAAA: not an A record */
    add_record(q, &len, 1, edge, 4);
    assert_int_equal(dns_answer_automapped(q, len, addrs, 4), 2);
    assert_int_equal(addrs[0], 0x0AC0004Du);
    assert_int_equal(addrs[1], 0x0AFFFFFFu);
    assert_int_equal(dns_answer_automapped(q, len, addrs, 1), -1); /* more than max: refused whole */
    assert_int_equal(dns_answer_automapped(q, len - 1, addrs, 4), -1); /* cut short */
    q[7]++; /* one record more than there is */
    assert_int_equal(dns_answer_automapped(q, len, addrs, 4), -1);
    q[7]--;
    unsigned char bad_label = q[12];
    q[12] = 0x80; /* neither a label (up to 63) nor a pointer */
    assert_int_equal(dns_answer_automapped(q, len, addrs, 4), -1);
    q[12] = bad_label;
    assert_int_equal(dns_answer_automapped(q, 11, addrs, 4), -1); /* no header */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostnames_pass),
        cmocka_unit_test(injections_refused),
        cmocka_unit_test(formerr_answers),
        cmocka_unit_test(types_for_the_resolver),
        cmocka_unit_test(udp_limits),
        cmocka_unit_test(automapped_addresses_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
