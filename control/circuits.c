/* See control_circuits.h. */
#include "control_circuits.h"

#include <stdlib.h>
#include <string.h>

#include "control_protocol.h"
#include "pool.h"
#include "util.h"

static struct book_entry *find(struct book_entry *entries, size_t n, unsigned long id, uint32_t source,
                               bool any_source)
{
    for (size_t i = 0; i < n; i++)
        if (entries[i].id == id && (any_source || entries[i].source == source))
            return &entries[i];
    return NULL;
}

static void add(struct circuit_book *book, struct book_entry **entries, size_t *n, unsigned long id,
                uint32_t source)
{
    if (find(*entries, *n, id, source, false))
        return;
    if (*n == CIRCUIT_BOOK_MAX) {
        book->overflowed = true;
        return;
    }
    *entries = xreallocarray(*entries, *n + 1, sizeof **entries);
    (*entries)[(*n)++] = (struct book_entry){id, source};
}

/* Every entry of id, whatever its address. */
static void forget(struct book_entry *entries, size_t *n, unsigned long id)
{
    for (size_t i = 0; i < *n;)
        if (entries[i].id == id)
            entries[i] = entries[--*n];
        else
            i++;
}

static bool closed(const char *w, size_t len)
{
    return control_word_is(w, len, "CLOSED") || control_word_is(w, len, "FAILED");
}

/* "STREAM ID STATUS CIRCUIT TARGET [SOURCE_ADDR=...]" */
static void stream_event(struct circuit_book *book, const char *p)
{
    const char *w[3];
    size_t len[3];
    unsigned long stream, circuit;
    for (int i = 0; i < 3; i++)
        if (!control_next_word(&p, &w[i], &len[i]))
            return;
    if (!control_parse_id(w[0], len[0], &stream) || !control_parse_id(w[2], len[2], &circuit))
        return;
    uint32_t source;
    if ((control_word_is(w[1], len[1], "NEW") || control_word_is(w[1], len[1], "NEWRESOLVE")) &&
        control_source_addr(p, &source) && pool_sandbox_address(&book->pool, source))
        add(book, &book->streams, &book->n_streams, stream, source);
    struct book_entry *known = find(book->streams, book->n_streams, stream, 0, true);
    if (!known)
        return;
    if (circuit)
        add(book, &book->circuits, &book->n_circuits, circuit, known->source);
    if (closed(w[1], len[1]))
        forget(book->streams, &book->n_streams, stream);
}

static struct book_leg *find_leg(const struct circuit_book *book, unsigned long circuit)
{
    for (size_t i = 0; i < book->n_legs; i++)
        if (book->legs[i].circuit == circuit)
            return &book->legs[i];
    return NULL;
}

static void forget_leg(struct circuit_book *book, unsigned long circuit)
{
    struct book_leg *leg = find_leg(book, circuit);
    if (leg)
        *leg = book->legs[--book->n_legs];
}

/* "CONFLUX_ID=<hex>" among the words after p, into set; false if none. */
static bool conflux_id(const char *p, char set[33])
{
    const char *w;
    size_t len;
    while (control_next_word(&p, &w, &len))
        if (len > 11 && len - 11 < 33 && strncmp(w, "CONFLUX_ID=", 11) == 0 &&
            strspn(w + 11, "0123456789ABCDEFabcdef") >= len - 11) {
            memcpy(set, w + 11, len - 11);
            set[len - 11] = '\0';
            return true;
        }
    return false;
}

/* "CIRC ID STATUS [PATH] ... [CONFLUX_ID=...]" */
static void circ_event(struct circuit_book *book, const char *p)
{
    const char *w[2];
    size_t len[2];
    unsigned long circuit;
    if (!control_next_word(&p, &w[0], &len[0]) || !control_next_word(&p, &w[1], &len[1]) ||
        !control_parse_id(w[0], len[0], &circuit))
        return;
    if (closed(w[1], len[1])) {
        forget(book->circuits, &book->n_circuits, circuit);
        forget_leg(book, circuit);
        return;
    }
    char set[33];
    if (!conflux_id(p, set))
        return;
    struct book_leg *leg = find_leg(book, circuit);
    if (!leg && book->n_legs == CIRCUIT_BOOK_MAX)
        book->overflowed = true;
    if (!leg && book->n_legs < CIRCUIT_BOOK_MAX) {
        book->legs = xreallocarray(book->legs, book->n_legs + 1, sizeof *book->legs);
        leg = &book->legs[book->n_legs++];
        leg->circuit = circuit;
    }
    if (leg)
        memcpy(leg->set, set, sizeof set);
}

void circuit_book_event(struct circuit_book *book, const char *line)
{
    if (strncmp(line, "650 ", 4) != 0)
        return;
    const char *w, *p = line + 4;
    size_t len;
    if (!control_next_word(&p, &w, &len))
        return;
    if (control_word_is(w, len, "STREAM"))
        stream_event(book, p);
    else if (control_word_is(w, len, "CIRC"))
        circ_event(book, p);
}

static void add_id(unsigned long **ids, size_t *n, unsigned long id)
{
    for (size_t i = 0; i < *n; i++)
        if ((*ids)[i] == id)
            return;
    *ids = xreallocarray(*ids, *n + 1, sizeof **ids);
    (*ids)[(*n)++] = id;
}

/* Every leg of the set circuit is a leg of, but circuit itself. */
static void add_other_legs(const struct circuit_book *book, unsigned long circuit, unsigned long **ids, size_t *n)
{
    const struct book_leg *leg = find_leg(book, circuit);
    for (size_t i = 0; leg && i < book->n_legs; i++)
        if (strcmp(book->legs[i].set, leg->set) == 0)
            add_id(ids, n, book->legs[i].circuit);
}

unsigned long *circuit_book_of(const struct circuit_book *book, uint32_t source, size_t *n)
{
    unsigned long *ids = NULL;
    *n = 0;
    for (size_t i = 0; i < book->n_circuits; i++)
        if (book->circuits[i].source == source)
            add_id(&ids, n, book->circuits[i].id);
    for (size_t i = 0, own = *n; i < own; i++)
        add_other_legs(book, ids[i], &ids, n);
    return ids;
}

void circuit_book_clear(struct circuit_book *book)
{
    free(book->streams);
    free(book->circuits);
    free(book->legs);
    *book = (struct circuit_book){.pool = book->pool};
}
