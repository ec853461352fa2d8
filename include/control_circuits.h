/* Which sandbox each of tor's circuits has carried streams for, learnt
 * from tor's STREAM and CIRC events: what a new circuit for one app closes
 * (torgate new-circuit). Pure: unit-tested without a tor. */
#ifndef TORGATE_CONTROL_CIRCUITS_H
#define TORGATE_CONTROL_CIRCUITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Streams and circuits tor holds at once; past these, new ones are not
 * recorded (tor's own limits are far lower on a desktop). */
#define CIRCUIT_BOOK_MAX 65536

struct book_entry {
    unsigned long id;
    uint32_t source; /* the client's address, host order */
};

/* A leg of a conflux set (Tor 0.4.8 and later: a stream goes through a set
 * of linked circuits to one exit, and may move between its legs). */
struct book_leg {
    unsigned long circuit;
    char set[33]; /* CONFLUX_ID, hex */
};

struct circuit_book {
    struct prefix4 pool;         /* streams from other addresses are no sandbox's: not kept */
    bool overflowed;             /* something was not kept for want of room since last cleared */
    struct book_entry *streams;  /* open streams, by the address they came from */
    struct book_entry *circuits; /* (circuit, address) for every address whose streams it carried */
    struct book_leg *legs;       /* open circuits that are legs of a conflux set */
    size_t n_streams, n_circuits, n_legs;
};

/* One line of tor's: a "650 STREAM ..." or "650 CIRC ..." event is
 * learnt from, anything else ignored. A stream is known from its NEW or
 * NEWRESOLVE event (SOURCE_ADDR), its circuit from any later event of it,
 * a circuit's conflux set from its CIRC events (CONFLUX_ID); a circuit is
 * forgotten when it closes or fails, a stream when it does. */
void circuit_book_event(struct circuit_book *book, const char *line);
/* The circuits that carried streams from source, and every other leg of
 * their conflux sets (malloc'd, or NULL if none); *n, how many. */
unsigned long *circuit_book_of(const struct circuit_book *book, uint32_t source, size_t *n);
/* Tor restarted or the connection to it ended: nothing known holds (the
 * pool stays). */
void circuit_book_clear(struct circuit_book *book);

#endif
