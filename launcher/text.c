/* See text.h. */
#include "text.h"

#include <stdarg.h>

#include "util.h"

void text_open(struct text *t)
{
    *t = (struct text){NULL, NULL, 0};
    t->out = open_memstream(&t->buf, &t->len);
    if (!t->out)
        die("out of memory");
}

void text_printf(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(t->out, fmt, ap);
    va_end(ap);
}

void text_puts(struct text *t, const char *s) { fputs(s, t->out); }

char *text_close(struct text *t)
{
    /* Write errors (out of memory) show at fclose. */
    if (fclose(t->out) != 0) {
        free(t->buf);
        die("out of memory");
    }
    t->out = NULL;
    return steal_pointer(&t->buf);
}
