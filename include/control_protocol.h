/* Tor's control protocol, the parts every client of it here shares: the
 * filter's connections (control/session.c), torgate check and
 * --wait-for-tor (launcher/). */
#ifndef TORGATE_CONTROL_PROTOCOL_H
#define TORGATE_CONTROL_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
/* The next line, waiting at most timeout_ms in all, however the peer
 * trickles it (-1: for ever); NULL at EOF, on an error, a bad line or the
 * timeout. */
char *line_read(struct line_reader *r, int timeout_ms);

/* Whether line is the last of a reply: "NNN " (three digits, a space). */
bool control_final_line(const char *line);

/* Whether line starts an event ("650", when no reply is in a data block). */
bool control_is_event(const char *line);

/* "AUTHENTICATE <the cookie file's 32 bytes in hex>\r\n"; false with errno
 * if the file cannot be read. */
#define CONTROL_AUTH_LINE_SIZE (13 + 64 + 3)
bool control_cookie_line(const char *cookie_path, char line[CONTROL_AUTH_LINE_SIZE]);

/* PROGRESS and SUMMARY of a bootstrap line (GETINFO status/bootstrap-phase,
 * or a STATUS_CLIENT BOOTSTRAP event); false if it holds no PROGRESS. */
bool control_bootstrap_parse(const char *line, int *percent, char *summary, size_t size);

/* Words of a line: the next space-separated one of *p, as [start, start +
 * len), false at the end; whether it is name (case-insensitively); a
 * stream's or circuit's ID (decimal, at most 10 digits). */
bool control_next_word(const char **p, const char **start, size_t *len);
bool control_word_is(const char *w, size_t len, const char *name);
bool control_parse_id(const char *w, size_t len, unsigned long *id);
/* The address of "SOURCE_ADDR=A.B.C.D:PORT" among the words after p (a
 * STREAM event's), host order; false if there is none. */
bool control_source_addr(const char *p, uint32_t *address);

/* A connection to the filter's Unix socket at path; -1 with errno. */
int control_connect_unix(const char *path);

#endif
