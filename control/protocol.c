/* See control_protocol.h. */
#include "control_protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

char *line_take(struct line_reader *r, bool *bad)
{
    char *nl = memchr(r->buf, '\n', r->len);
    if (!nl) {
        *bad = r->len == sizeof r->buf;
        return NULL;
    }
    size_t n = (size_t)(nl - r->buf);
    if (memchr(r->buf, 0, n))
        *bad = true;
    char *line = xasprintf("%.*s", (int)(n && r->buf[n - 1] == '\r' ? n - 1 : n), r->buf);
    memmove(r->buf, nl + 1, r->len - n - 1);
    r->len -= n + 1;
    return line;
}

bool line_fill(struct line_reader *r)
{
    ssize_t n;
    do
        n = read(r->fd, r->buf + r->len, sizeof r->buf - r->len);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return false;
    r->len += (size_t)n;
    return true;
}

char *line_read(struct line_reader *r, int timeout_ms)
{
    for (;;) {
        bool bad = false;
        char *line = line_take(r, &bad);
        if (bad) {
            free(line);
            return NULL;
        }
        if (line)
            return line;
        struct pollfd p = {r->fd, POLLIN, 0};
        int ready;
        do
            ready = poll(&p, 1, timeout_ms);
        while (ready < 0 && errno == EINTR);
        if (ready <= 0 || !line_fill(r))
            return NULL;
    }
}

bool control_final_line(const char *line)
{
    return strlen(line) >= 4 && line[0] >= '0' && line[0] <= '9' && line[1] >= '0' && line[1] <= '9' &&
           line[2] >= '0' && line[2] <= '9' && line[3] == ' ';
}

bool control_cookie_line(const char *cookie_path, char line[CONTROL_AUTH_LINE_SIZE])
{
    unsigned char cookie[32];
    autoclose int fd = open(cookie_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return false;
    if (!read_all(fd, cookie, sizeof cookie)) {
        errno = errno ? errno : EIO;
        return false;
    }
    memcpy(line, "AUTHENTICATE ", 13);
    for (size_t i = 0; i < sizeof cookie; i++)
        snprintf(line + 13 + 2 * i, 3, "%02x", cookie[i]);
    memcpy(line + 13 + 64, "\r\n", 3);
    return true;
}

bool control_bootstrap_parse(const char *line, int *percent, char *summary, size_t size)
{
    const char *progress = strstr(line, "PROGRESS=");
    if (!progress)
        return false;
    *percent = atoi(progress + 9);
    const char *s = strstr(line, "SUMMARY=\"");
    size_t len = s ? strcspn(s + 9, "\"") : 0;
    snprintf(summary, size, "%.*s", (int)len, s ? s + 9 : "");
    return true;
}
