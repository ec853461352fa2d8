/* See control_protocol.h. */
#include "control_protocol.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

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

static long long monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

char *line_read(struct line_reader *r, int timeout_ms)
{
    long long deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
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
        do {
            long long left = deadline < 0 ? -1 : deadline - monotonic_ms();
            if (deadline >= 0 && left <= 0)
                ready = 0;
            else
                ready = poll(&p, 1, (int)left);
        } while (ready < 0 && errno == EINTR);
        if (ready <= 0 || !line_fill(r))
            return NULL;
    }
}

bool control_final_line(const char *line)
{
    return strlen(line) >= 4 && line[0] >= '0' && line[0] <= '9' && line[1] >= '0' && line[1] <= '9' &&
           line[2] >= '0' && line[2] <= '9' && line[3] == ' ';
}

bool control_is_event(const char *line)
{
    return strncmp(line, "650", 3) == 0 && (line[3] == ' ' || line[3] == '-' || line[3] == '+');
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

bool control_next_word(const char **p, const char **start, size_t *len)
{
    while (**p == ' ')
        (*p)++;
    if (!**p)
        return false;
    *start = *p;
    *len = strcspn(*p, " ");
    *p += *len;
    return true;
}

bool control_word_is(const char *w, size_t len, const char *name)
{
    return strlen(name) == len && strncasecmp(w, name, len) == 0;
}

bool control_parse_id(const char *w, size_t len, unsigned long *id)
{
    if (!len || len > 10 || strspn(w, "0123456789") < len)
        return false;
    *id = strtoul(w, NULL, 10);
    return true;
}

bool control_source_addr(const char *p, uint32_t *address)
{
    const char *w;
    size_t len;
    while (control_next_word(&p, &w, &len)) {
        if (len > 12 && strncmp(w, "SOURCE_ADDR=", 12) == 0) {
            char ip[16];
            size_t iplen = strcspn(w + 12, ":");
            if (iplen >= sizeof ip || 12 + iplen > len)
                return false;
            memcpy(ip, w + 12, iplen), ip[iplen] = 0;
            struct in_addr in;
            if (inet_pton(AF_INET, ip, &in) != 1)
                return false;
            *address = ntohl(in.s_addr);
            return true;
        }
    }
    return false;
}

int control_connect_unix(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sun.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sun.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}
