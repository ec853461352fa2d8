/* An in-memory text builder (open_memstream underneath), for rule text,
 * resolver files and command batches: every failure dies, so that callers
 * never check each piece. */
#ifndef TORGATE_TEXT_H
#define TORGATE_TEXT_H

#include <stddef.h>
#include <stdio.h>

struct text {
    FILE *out;
    char *buf;
    size_t len;
};

void text_open(struct text *t);
__attribute__((format(printf, 2, 3))) void text_printf(struct text *t, const char *fmt, ...);
void text_puts(struct text *t, const char *s);
/* The text, malloc'd; the builder is closed. */
char *text_close(struct text *t);

#endif
