/* Which sandbox each circuit carried streams for (control/circuits.c):
 * what torgate new-circuit closes, learnt from tor's own event lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control_circuits.h"

#define A 0x0A760002u /* 10.118.0.2 */
#define B 0x0A760006u /* 10.118.0.6 */
#define BOOK {.pool = {0x0A760000u, 16}} /* 10.118.0.0/16 */

static void feed(struct circuit_book *book, const char *const *lines)
{
    for (; *lines; lines++)
        circuit_book_event(book, *lines);
}

/* "id id ..." of source's circuits, in the book's order, sorted */
static char *circuits_of(const struct circuit_book *book, uint32_t source)
{
    size_t n;
    unsigned long *ids = circuit_book_of(book, source, &n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (ids[j] < ids[i]) {
                unsigned long t = ids[i];
                ids[i] = ids[j], ids[j] = t;
            }
    char *out = calloc(1, 256);
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), 256 - strlen(out), "%s%lu", i ? " " : "", ids[i]);
    free(ids);
    return out;
}

static void assert_circuits(const struct circuit_book *book, uint32_t source, const char *want)
{
    char *got = circuits_of(book, source);
    if (strcmp(got, want) != 0)
        fail_msg("circuits of %08x: '%s', not '%s'", source, got, want);
    free(got);
}

/* Each sandbox's circuits, told apart by the source of their streams. */
static void circuits_by_source(void **state)
{
    (void)state;
    struct circuit_book book = BOOK;
    static const char *const lines[] = {
        "650 STREAM 10 NEW 0 203.0.113.10:80 SOURCE_ADDR=10.118.0.2:41000 PURPOSE=USER",
        "650 STREAM 10 SENTCONNECT 5 203.0.113.10:80",
        "650 STREAM 10 SUCCEEDED 5 203.0.113.10:80",
        "650 STREAM 11 NEW 0 203.0.113.10:80 SOURCE_ADDR=10.118.0.6:42000 PURPOSE=USER",
        "650 STREAM 11 SENTCONNECT 7 203.0.113.10:80",
        "650 STREAM 12 NEWRESOLVE 0 www.example.test:0 SOURCE_ADDR=10.118.0.2:53 PURPOSE=DNS_REQUEST",
        "650 STREAM 12 SENTRESOLVE 9 www.example.test:0",
        /* a stream of nobody's the book saw begin: learnt from nothing */
        "650 STREAM 3 SENTCONNECT 8 203.0.113.10:80",
        NULL,
    };
    feed(&book, lines);
    assert_circuits(&book, A, "5 9");
    assert_circuits(&book, B, "7");
    assert_circuits(&book, 0x0A76000Au, "");
    circuit_book_clear(&book);
}

/* A circuit stays the sandbox's after its streams close (its next stream
 * may use it again), and is forgotten once tor closes it. */
static void kept_until_the_circuit_closes(void **state)
{
    (void)state;
    struct circuit_book book = BOOK;
    static const char *const lines[] = {
        "650 STREAM 20 NEW 0 203.0.113.10:80 SOURCE_ADDR=10.118.0.2:41000 PURPOSE=USER",
        "650 STREAM 20 SUCCEEDED 5 203.0.113.10:80",
        "650 STREAM 20 CLOSED 5 203.0.113.10:80 REASON=DONE",
        NULL,
    };
    feed(&book, lines);
    assert_circuits(&book, A, "5");
    assert_int_equal(book.n_streams, 0);
    /* the stream's ID is tor's to give again, to another sandbox's stream */
    static const char *const reused[] = {
        "650 STREAM 20 NEW 0 203.0.113.10:80 SOURCE_ADDR=10.118.0.6:42000 PURPOSE=USER",
        "650 STREAM 20 SUCCEEDED 6 203.0.113.10:80",
        "650 CIRC 5 CLOSED $AAAA~relay REASON=REQUESTED",
        NULL,
    };
    feed(&book, reused);
    assert_circuits(&book, A, "");
    assert_circuits(&book, B, "6");
    circuit_book_event(&book, "650 CIRC 6 FAILED REASON=TIMEOUT");
    assert_circuits(&book, B, "");
    circuit_book_clear(&book);
}

/* With conflux (Tor 0.4.8 and later) a stream goes through a set of linked
 * circuits: every leg of the sandbox's sets is its, and no other set's. */
static void conflux_legs_are_the_sets(void **state)
{
    (void)state;
    struct circuit_book book = BOOK;
    static const char *const lines[] = {
        "650 CIRC 14 LAUNCHED BUILD_FLAGS=NEED_CAPACITY PURPOSE=CONFLUX_UNLINKED CONFLUX_ID=001B59F07D32D98CA6FB69934131FC18",
        "650 CIRC 15 LAUNCHED BUILD_FLAGS=NEED_CAPACITY PURPOSE=CONFLUX_UNLINKED CONFLUX_ID=001B59F07D32D98CA6FB69934131FC18",
        "650 CIRC 16 BUILT $A~a,$B~b PURPOSE=CONFLUX_UNLINKED CONFLUX_ID=A6EB7FD4EF7CA8A45E995434040C0843",
        "650 CIRC 17 BUILT $A~a,$B~b PURPOSE=CONFLUX_UNLINKED CONFLUX_ID=A6EB7FD4EF7CA8A45E995434040C0843",
        "650 CIRC 14 BUILT $A~a,$B~b PURPOSE=CONFLUX_LINKED CONFLUX_ID=001B59F07D32D98CA6FB69934131FC18",
        "650 STREAM 68 NEW 0 203.0.113.10:80 SOURCE_ADDR=10.118.0.2:41000 PURPOSE=USER",
        "650 STREAM 68 SENTCONNECT 14 203.0.113.10:80",
        "650 STREAM 69 NEW 0 203.0.113.10:80 SOURCE_ADDR=10.118.0.6:41000 PURPOSE=USER",
        "650 STREAM 69 SENTCONNECT 5 203.0.113.10:80",
        /* a CONFLUX_ID that is no hex, or too long, makes no leg */
        "650 CIRC 18 BUILT PURPOSE=CONFLUX_UNLINKED CONFLUX_ID=001B59F07D32D98CA6FB69934131FC18FF",
        "650 CIRC 19 BUILT PURPOSE=CONFLUX_UNLINKED CONFLUX_ID=zz",
        NULL,
    };
    feed(&book, lines);
    assert_circuits(&book, A, "14 15");
    assert_circuits(&book, B, "5");
    circuit_book_event(&book, "650 CIRC 15 CLOSED $A~a REASON=FINISHED CONFLUX_ID=001B59F07D32D98CA6FB69934131FC18");
    assert_circuits(&book, A, "14");
    assert_int_equal(book.n_legs, 3);
    circuit_book_clear(&book);
}

/* Streams from addresses that are no sandbox's (the host's users, a slot's
 * gateway) are not kept: they cost the book and are nobody's to renew. */
static void only_sandbox_addresses(void **state)
{
    (void)state;
    struct circuit_book book = BOOK;
    static const char *const lines[] = {
        "650 STREAM 40 NEW 0 203.0.113.10:80 SOURCE_ADDR=127.0.0.1:41000 PURPOSE=USER",
        "650 STREAM 40 SENTCONNECT 3 203.0.113.10:80",
        "650 STREAM 41 NEW 0 203.0.113.10:80 SOURCE_ADDR=10.118.0.1:41000 PURPOSE=USER",
        "650 STREAM 41 SENTCONNECT 4 203.0.113.10:80",
        "650 STREAM 42 NEW 0 203.0.113.10:80 SOURCE_ADDR=10.119.0.2:41000 PURPOSE=USER",
        "650 STREAM 42 SENTCONNECT 5 203.0.113.10:80",
        NULL,
    };
    feed(&book, lines);
    assert_int_equal(book.n_streams, 0);
    assert_int_equal(book.n_circuits, 0);
    assert_false(book.overflowed);
    circuit_book_clear(&book);
}

/* Lines that are no STREAM or CIRC event, or broken ones, change nothing. */
static void other_lines_ignored(void **state)
{
    (void)state;
    struct circuit_book book = BOOK;
    static const char *const lines[] = {
        "250 OK",
        "650 STATUS_CLIENT NOTICE CIRCUIT_ESTABLISHED",
        "650 STREAM x NEW 0 a:1 SOURCE_ADDR=10.118.0.2:1",
        "650 STREAM 30 NEW 0 a:1 SOURCE_ADDR=10.118.0.999:1",
        "650 STREAM 31 NEW",
        "650 STREAM 32 NEW 0 a:1 SOURCE_ADDR=not-an-address",
        "650 STREAM 99999999999 NEW 0 a:1 SOURCE_ADDR=10.118.0.2:1",
        "650 CIRC",
        "650-STREAM 33 NEW 0 a:1 SOURCE_ADDR=10.118.0.2:1",
        NULL,
    };
    feed(&book, lines);
    assert_int_equal(book.n_streams, 0);
    assert_int_equal(book.n_circuits, 0);
    circuit_book_clear(&book);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(circuits_by_source),
        cmocka_unit_test(kept_until_the_circuit_closes),
        cmocka_unit_test(conflux_legs_are_the_sets),
        cmocka_unit_test(only_sandbox_addresses),
        cmocka_unit_test(other_lines_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
