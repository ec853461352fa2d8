/* Tor's control protocol, the parts every client of it here shares: the
 * filter's connections (control/session.c), torgate check and
 * --wait-for-tor (launcher/). */
#ifndef TORGATE_CONTROL_PROTOCOL_H
#define TORGATE_CONTROL_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>

/* Longer lines end a connection: tor's and a sane app's are far shorter. */
#define CONTROL_LINE_MAX 65536

struct line_reader {
    int fd;
    char buf[CONTROL_LINE_MAX];
    size_t len;
};

/* The next whole line in the buffer, CRLF (or LF) stripped, malloc'd; NULL
 * if there is none yet. *bad on a line too long or holding a NUL. */
char *line_take(struct line_reader *r, bool *bad);
/* One read into the buffer; false at EOF or on an error. */
bool line_fill(struct line_reader *r);
/* The next line, waiting at most timeout_ms (-1: for ever); NULL at EOF,
 * on an error, a bad line or the timeout. */
char *line_read(struct line_reader *r, int timeout_ms);

/* Whether line is the last of a reply: "NNN " (three digits, a space). */
bool control_final_line(const char *line);

/* "AUTHENTICATE <the cookie file's 32 bytes in hex>\r\n"; false with errno
 * if the file cannot be read. */
#define CONTROL_AUTH_LINE_SIZE (13 + 64 + 3)
bool control_cookie_line(const char *cookie_path, char line[CONTROL_AUTH_LINE_SIZE]);

/* PROGRESS and SUMMARY of a bootstrap line (GETINFO status/bootstrap-phase,
 * or a STATUS_CLIENT BOOTSTRAP event); false if it holds no PROGRESS. */
bool control_bootstrap_parse(const char *line, int *percent, char *summary, size_t size);

#endif
