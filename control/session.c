/* One app's control connection: its own connection to tor, authenticated
 * with tor's cookie (which the app never sees), and every line in between
 * decided by filter.c. The app's commands are taken one at a time, so that
 * answers the filter gives itself keep their order among tor's. */
#include "control_session.h"
#include "control_protocol.h"
#include "control_upstream.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

static bool send_line(int fd, const char *line)
{
    return send_all(fd, line, strlen(line)) && send_all(fd, "\r\n", 2);
}

/* AUTHENTICATE with the cookie, then what the filter needs of tor: its
 * version (for PROTOCOLINFO) and STREAM events (to learn the app's). */
static bool open_upstream(const struct control_service *svc, const struct control_allowlist *list,
                          struct line_reader *tor, char **version)
{
    if (!control_upstream_open(svc->cfg, tor))
        return false;
    if (!send_all(tor->fd, "GETINFO version\r\n", 17))
        return false;
    for (char *line; (line = line_read(tor, CONTROL_REPLY_TIMEOUT_MS));) {
        if (strncmp(line, "250-version=", 12) == 0) {
            free(*version);
            *version = xstrdup(line + 12);
            (*version)[strcspn(*version, " ")] = 0; /* "0.4.7.16 (git-...)" */
        }
        bool last = control_final_line(line);
        free(line);
        if (last)
            break;
    }
    autofree char *setevents = control_upstream_setevents(NULL, control_tracks_streams(list));
    autofree char *subscribed = control_exchange(tor, setevents, NULL, NULL);
    return *version && subscribed && strcmp(subscribed, "250 OK") == 0;
}

struct session {
    const struct control_allowlist *list;
    struct control_owned own;
    struct line_reader app, tor;
    struct reply_state reply;
    struct event_state event;
    bool awaiting; /* a command of the app is at tor */
};

/* false: the connection ends. */
static bool from_app(struct session *s, const char *line)
{
    struct decision d;
    control_decide(s->list, &s->own, line, &d);
    bool ok;
    if (d.verdict == VERDICT_FORWARD) {
        ok = send_all(s->tor.fd, d.forward, strlen(d.forward));
        s->reply = (struct reply_state){.kind = d.reply, .onion = steal_pointer(&d.onion)};
        s->awaiting = true;
    } else {
        ok = send_all(s->app.fd, d.answer, strlen(d.answer)) && d.verdict != VERDICT_CLOSE;
    }
    decision_clear(&d);
    return ok;
}

static bool from_tor(struct session *s, const char *line)
{
    if (s->event.active || (!(s->awaiting && s->reply.in_data) && control_is_event(line))) {
        autofree char *shown = control_event_line(&s->own, &s->event, line);
        return !shown || send_line(s->app.fd, shown);
    }
    if (!s->awaiting)
        return true; /* nothing asked: nothing to say */
    autofree char *shown = control_reply_line(&s->own, &s->reply, line);
    if (s->reply.done) {
        s->awaiting = false;
        free(s->reply.onion);
        s->reply.onion = NULL;
    }
    return !shown || send_line(s->app.fd, shown);
}

static void run(struct session *s)
{
    for (;;) {
        bool bad = false;
        char *line = line_take(&s->tor, &bad);
        if (bad) {
            free(line);
            break;
        }
        if (line) {
            bool ok = from_tor(s, line);
            free(line);
            if (!ok)
                break;
            continue;
        }
        if (!s->awaiting) {
            line = line_take(&s->app, &bad);
            if (bad) {
                free(line);
                break;
            }
            if (line) {
                bool ok = from_app(s, line);
                free(line);
                if (!ok)
                    break;
                continue;
            }
        }
        struct pollfd fds[2] = {{.fd = s->tor.fd, .events = POLLIN}, {.fd = s->awaiting ? -1 : s->app.fd, .events = POLLIN}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if ((fds[0].revents && !line_fill(&s->tor)) || (fds[1].revents && !line_fill(&s->app)))
            break;
    }
}

void control_session(const struct control_service *svc, const struct control_allowlist *list, int app_fd,
                     uint32_t address)
{
    struct session s = {.list = list, .own = {.address = address}, .app = {.fd = app_fd}, .tor = {.fd = -1}};
    char *version = NULL;
    if (open_upstream(svc, list, &s.tor, &version)) {
        s.own.tor_version = version;
        run(&s);
    } else {
        /* the app learns it in the protocol's form */
        static const char down[] = "551 Tor's control port is not available\r\n";
        send_all(app_fd, down, sizeof down - 1);
    }
    free(version);
    free(s.reply.onion);
    control_owned_clear(&s.own);
    if (s.tor.fd >= 0)
        close(s.tor.fd);
}
