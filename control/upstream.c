/* See control_upstream.h. */
#include "control_upstream.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

static int connect_tor(const struct endpoint4 *ep)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(ep->port), .sin_addr.s_addr = htonl(ep->addr)};
    if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

char *control_exchange(struct line_reader *tor, const char *request, void (*on_line)(const char *line, void *ctx),
                       void *ctx)
{
    if (!send_all(tor->fd, request, strlen(request)))
        return NULL;
    for (;;) {
        char *line = line_read(tor, CONTROL_REPLY_TIMEOUT_MS);
        if (!line || (control_final_line(line) && !control_is_event(line)))
            return line;
        if (on_line)
            on_line(line, ctx);
        free(line);
    }
}

bool control_upstream_open(const struct torgate_config *cfg, struct line_reader *tor)
{
    char auth[CONTROL_AUTH_LINE_SIZE];
    tor->len = 0;
    if (!control_cookie_line(cfg->control_cookie, auth)) {
        fprintf(stderr, "%s: cannot read tor's cookie %s: %s\n", program_name, cfg->control_cookie, strerror(errno));
        return false;
    }
    tor->fd = connect_tor(&cfg->control_port);
    if (tor->fd < 0) {
        fprintf(stderr, "%s: cannot reach tor's control port: %s\n", program_name, strerror(errno));
        return false;
    }
    autofree char *authed = control_exchange(tor, auth, NULL, NULL);
    if (!authed || strcmp(authed, "250 OK") != 0) {
        fprintf(stderr, "%s: tor refused the cookie in %s\n", program_name, cfg->control_cookie);
        close(tor->fd);
        tor->fd = -1;
        return false;
    }
    return true;
}
