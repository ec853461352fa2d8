/* torgate check: Tor's ports, Tor's bootstrap, the torrc snippet, the
 * binary's capabilities, the host ruleset, the clearnet resolvers. Reads
 * only; connects to nothing but the ControlPort on the host's loopback. */
#include "check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>


#include "bound.h"
#include "caps.h"
#include "privileged.h"
#include "resolv.h"
#include "control_protocol.h"
#include "util.h"

#define TORRC TORGATE_SYSCONFDIR "/tor/torrc"
#define SNIPPET TORGATE_SYSCONFDIR "/tor/torrc.d/torgate.conf"
#define HOST_TABLE "torgate_host"

struct tally {
    int failed;
};

__attribute__((format(printf, 3, 4))) static void report(struct tally *t, int status, const char *fmt, ...)
{
    static const char *const words[] = {"ok  ", "FAIL", "skip"};
    va_list ap;
    va_start(ap, fmt);
    printf("%s  ", words[status]);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    if (status == 1)
        t->failed++;
}
enum { OK, FAIL, SKIP };


static void check_ports(struct tally *t, const struct torgate_config *cfg)
{
    static const struct {
        const char *name, *table;
        size_t offset;
        bool listening;
    } ports[] = {
        {"TransPort", "tcp", offsetof(struct torgate_config, trans_port), true},
        {"DNSPort", "udp", offsetof(struct torgate_config, dns_port), false},
        {"SocksPort", "tcp", offsetof(struct torgate_config, socks_port), true},
    };
    for (size_t i = 0; i < N_ELEMENTS(ports); i++) {
        const struct endpoint4 *ep = (const void *)((const char *)cfg + ports[i].offset);
        char addr[16];
        format_addr4(ep->addr, addr);
        if (endpoint_bound(ports[i].table, ep, ports[i].listening))
            report(t, OK, "Tor's %s listens on %s:%u", ports[i].name, addr, ep->port);
        else
            report(t, FAIL, "nothing listens on %s:%u (%s): start tor with %s included in %s", addr, ep->port,
                   ports[i].name, SNIPPET, TORRC);
    }
}

/* The final line of the reply to request (2 s at most), or NULL. */
static char *control_exchange(struct line_reader *r, const char *request)
{
    if (!send_all(r->fd, request, strlen(request)))
        return NULL;
    for (char *line; (line = line_read(r, 2000)); free(line))
        if (control_final_line(line) || strncmp(line, "250-status/bootstrap-phase=", 27) == 0)
            return line;
    return NULL;
}

static void check_bootstrap(struct tally *t, const struct torgate_config *cfg)
{
    char auth[CONTROL_AUTH_LINE_SIZE];
    if (!control_cookie_line(cfg->control_cookie, auth)) {
        report(t, SKIP, "Tor's bootstrap: cannot read the ControlPort cookie %s as you (%s)", cfg->control_cookie,
               strerror(errno ? errno : EIO));
        return;
    }
    autoclose int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(cfg->control_port.port),
                              .sin_addr.s_addr = htonl(cfg->control_port.addr)};
    if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
        if (errno == ECONNREFUSED)
            report(t, FAIL, "Tor's ControlPort does not answer on port %u: is tor running?", cfg->control_port.port);
        else /* the host hardening ruleset lets only the ControlPort filter in */
            report(t, SKIP, "Tor's bootstrap: the ControlPort on port %u refuses you (%s): the host hardening "
                   "ruleset keeps it for its filter", cfg->control_port.port, strerror(errno));
        return;
    }
    autofree struct line_reader *r = xcalloc(1, sizeof *r);
    r->fd = fd;
    autofree char *authed = control_exchange(r, auth);
    if (!authed || strncmp(authed, "250", 3) != 0) {
        report(t, FAIL, "Tor's ControlPort refused the cookie in %s", cfg->control_cookie);
        return;
    }
    autofree char *reply = control_exchange(r, "GETINFO status/bootstrap-phase\r\n");
    int percent = -1;
    char summary[128];
    if (!reply || !control_bootstrap_parse(reply, &percent, summary, sizeof summary)) {
        report(t, FAIL, "Tor's ControlPort did not report its bootstrap");
        return;
    }
    if (percent == 100)
        report(t, OK, "Tor has bootstrapped (100%%)");
    else
        report(t, FAIL, "Tor has not bootstrapped (%d%%): wait, or see tor's log for why", percent);
}

static void check_torrc(struct tally *t)
{
    autofclose FILE *f = fopen(TORRC, "re");
    char line[512];
    bool included = false;
    while (f && fgets(line, sizeof line, f) && !included) {
        char path[400];
        if (sscanf(line, " %%include %399s", path) == 1)
            included = strcmp(path, SNIPPET) == 0 || strcmp(path, TORGATE_SYSCONFDIR "/tor/torrc.d") == 0 ||
                       strcmp(path, TORGATE_SYSCONFDIR "/tor/torrc.d/") == 0 ||
                       strcmp(path, TORGATE_SYSCONFDIR "/tor/torrc.d/*.conf") == 0;
    }
    if (!f)
        report(t, FAIL, "cannot read %s: is tor installed?", TORRC);
    else if (included)
        report(t, OK, "%s includes torgate's snippet", TORRC);
    else
        report(t, FAIL, "%s does not include %s: add the line '%%include %s/tor/torrc.d/*.conf' and restart tor",
               TORRC, SNIPPET, TORGATE_SYSCONFDIR);
}

static void check_capabilities(struct tally *t)
{
    autoclose int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && caps_file_carries_all(fd))
        report(t, OK, "the torgate binary carries " TORGATE_FILE_CAPS);
    else
        report(t, getuid() == 0 ? SKIP : FAIL,
               "the torgate binary lacks its file capabilities: %s%s", TORGATE_SET_CAPS_HOW,
               getuid() == 0 ? "; root's own work instead, with --user" : "");
}

static void check_host_ruleset(struct tally *t)
{
    enum host_table found = priv_host_table_loaded(HOST_TABLE, "fallback_loaded");
    if (found == HOST_TABLE_FULL)
        report(t, OK, "the host hardening ruleset (table inet %s) is loaded", HOST_TABLE);
    else if (found == HOST_TABLE_FALLBACK)
        report(t, FAIL, "the host hardening fallback is loaded: " TORGATE_SYSCONFDIR "/torgate/host-hardening.nft did "
                        "not load (journalctl -u torgate-hardening says why); fix it, then systemctl restart "
                        "torgate-hardening");
    else
        report(t, FAIL, "the host hardening ruleset is not loaded: %ssystemctl enable --now torgate-hardening",
               TORGATE_PACKAGED ? "apt install torgate-hardening, then " : "");
}

static void check_clearnet(struct tally *t, const struct torgate_config *cfg)
{
    if (!cfg->clearnet_group) {
        report(t, SKIP, "clearnet resolvers: clearnet is off ([clearnet] group unset)");
        return;
    }
    autoclose int fd = open(cfg->clearnet_resolv_conf, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    char buf[16384];
    size_t n;
    char *lines = NULL, *err = NULL;
    if (fd < 0 || !read_bounded(fd, buf, sizeof buf, &n)) {
        report(t, FAIL, "cannot read the clearnet resolvers file %s: %s", cfg->clearnet_resolv_conf,
               strerror(errno));
        return;
    }
    if (clearnet_resolvers_parse(buf, cfg->clearnet_resolv_conf, &lines, &err))
        report(t, OK, "the clearnet resolvers file %s names usable resolvers", cfg->clearnet_resolv_conf);
    else
        report(t, FAIL, "%s", err);
    free(lines);
    free(err);
}

int check_run(const struct torgate_config *cfg)
{
    struct tally t = {0};
    check_ports(&t, cfg);
    check_bootstrap(&t, cfg);
    check_torrc(&t);
    check_capabilities(&t);
    check_host_ruleset(&t);
    check_clearnet(&t, cfg);
    printf(t.failed ? "torgate is not ready: %d item(s) to fix\n" : "torgate is ready\n", t.failed);
    return t.failed ? 1 : 0;
}
