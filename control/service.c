/* torgate-control-filter: Tor's control port, filtered, for the sandboxes
 * whose profile names an allowlist (control-port = NAME).
 *
 * One service for all sandboxes, not one filter per sandbox: the filter
 * must hold tor's control cookie, which the user running torgate must not
 * (it is all of tor's control), and torgate holds no capability that could
 * start a process as another user. So the service runs as the one user the
 * host hardening ruleset lets reach the ControlPort, and tells sandboxes
 * apart by their address, which the host's table guarantees (a packet from
 * a sandbox's link with any other source is dropped before routing).
 *
 * Which allowlist applies is decided by the port a connection arrives on:
 * torgate's table sends a sandbox's control port (port 9051 at its gateway)
 * to the port of its profile's allowlist, and nothing else there. The app
 * chooses nothing. Each connection is served by a process of its own with
 * a connection to tor of its own, which ends with it, and with it the
 * onion services it made. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "addresses.h"
#include "config.h"
#include "control_filter.h"
#include "pool.h"
#include "control_session.h"
#include "util.h"

#define MAX_LISTS 32
#define MAX_CONNECTIONS 512      /* at once, all sandboxes */
#define MAX_PER_SANDBOX 16       /* at once, one sandbox */

struct listener {
    char name[65];
    struct control_allowlist list;
    int fd;
};

struct child {
    pid_t pid;
    uint32_t address; /* a sandbox's; 0 for a host user's */
    uid_t uid;        /* a host user's */
};

static struct listener listeners[MAX_LISTS];
/* torgate new-circuit's: one process, restarted if it dies */
static int new_circuit_fd = -1;
static pid_t new_circuit_pid;
static time_t new_circuit_died; /* CLOCK_MONOTONIC seconds */

static time_t monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}
static size_t n_listeners;
static struct child children[MAX_CONNECTIONS];

static void load_config(struct torgate_config *cfg, const char *path)
{
    config_set_defaults(cfg);
    FILE *f = fopen(path, "re");
    if (!f) {
        if (errno == ENOENT)
            return;
        die_with_error("cannot read %s", path);
    }
    autofclose FILE *file = f;
    autofree char *err = NULL;
    if (!config_load(cfg, file, path, &err) || !config_validate(cfg, path, &err))
        die("%s", err);
}

static void load_allowlist(const char *dir, const char *file)
{
    size_t len = strlen(file);
    if (len <= 5 || strcmp(file + len - 5, ".conf") != 0)
        return;
    if (n_listeners == MAX_LISTS)
        die("%s: more than %d allowlists", dir, MAX_LISTS);
    struct listener *l = &listeners[n_listeners];
    snprintf(l->name, sizeof l->name, "%.*s", (int)(len - 5), file);
    if (len - 5 >= sizeof l->name || !control_allowlist_name_valid(l->name))
        die("%s/%s: an allowlist's name is lower-case letters, digits and '-'", dir, file);
    autofree char *err = NULL;
    if (!control_allowlist_read(&l->list, dir, l->name, &err))
        die("%s", err);
    for (size_t i = 0; i < n_listeners; i++)
        if (l->list.port && listeners[i].list.port == l->list.port)
            die("%s/%s: port %u is %s's already", dir, file, l->list.port, listeners[i].name);
    n_listeners++;
}

/* A Unix socket for the host's users, anyone's to connect to: what its
 * allowlist lets through is for everyone (Tor's bootstrap). */
static int listen_unix(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sun.sun_path)
        die("%s: too long for a Unix socket's path", path);
    strcpy(sun.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path); /* a previous run's */
    if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof sun) != 0 || chmod(path, 0666) != 0 || listen(fd, 64) != 0)
        die_with_error("cannot listen on %s", path);
    return fd;
}

static int listen_tcp(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 || listen(fd, 64) != 0)
        die_with_error("cannot listen on 127.0.0.1:%u", port);
    return fd;
}

static void listen_on(struct listener *l)
{
    if (l->list.socket) {
        l->fd = listen_unix(l->list.socket);
        fprintf(stderr, "%s: %s on %s\n", program_name, l->name, l->list.socket);
    } else {
        l->fd = listen_tcp(l->list.port);
        fprintf(stderr, "%s: %s on 127.0.0.1:%u\n", program_name, l->name, l->list.port);
    }
}

/* Dead peers are noticed: a sandbox's link goes with it, and its
 * connection, with its onion services, must not outlive it; keepalives
 * while the line is idle, a timeout on unacknowledged data otherwise. */
static void keep_alive(int fd)
{
    int on = 1, idle = 30, interval = 5, count = 3;
    unsigned user_timeout_ms = 60000;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);
}

/* An app that does not read what it asked for: its writes fail after this
 * long, and its connection ends, so that tor never queues without bound
 * for a connection nobody drains. */
static void bound_writes(int fd)
{
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* A free slot, and how many the same peer (a sandbox's address, or a host
 * user) holds already. */
static struct child *free_slot(uint32_t address, uid_t uid, size_t *same)
{
    struct child *slot = NULL;
    *same = 0;
    for (size_t i = 0; i < MAX_CONNECTIONS; i++) {
        if (!children[i].pid)
            slot = slot ? slot : &children[i];
        else if (children[i].address == address && (address || children[i].uid == uid))
            (*same)++;
    }
    return slot;
}

static uid_t peer_uid(int fd)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 ? cred.uid : (uid_t)-1;
}

/* fork(2) for a process of the service's: in the child, it dies with the
 * service, takes signals again, and holds none of the allowlists'
 * listeners (the caller closes what else it does not need). */
static pid_t fork_worker(int sigfd)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    close(sigfd);
    for (size_t i = 0; i < n_listeners; i++)
        close(listeners[i].fd);
    return 0;
}

static void serve(const struct control_service *svc, struct listener *l, int sigfd)
{
    struct sockaddr_in peer = {0};
    socklen_t plen = sizeof peer;
    autoclose int fd = accept4(l->fd, l->list.socket ? NULL : (struct sockaddr *)&peer, l->list.socket ? NULL : &plen,
                               SOCK_CLOEXEC);
    if (fd < 0)
        return;
    /* A host user's connection owns nothing (address 0). */
    uint32_t address = ntohl(peer.sin_addr.s_addr);
    char text[16];
    if (!l->list.socket && (peer.sin_family != AF_INET || !pool_sandbox_address(&svc->cfg->pool, address))) {
        fprintf(stderr, "%s: %s: refused %s, no sandbox's address\n", program_name, l->name,
                format_addr4(address, text));
        return;
    }
    uid_t uid = l->list.socket ? peer_uid(fd) : (uid_t)-1;
    size_t same;
    struct child *slot = free_slot(address, uid, &same);
    if (!slot || same >= MAX_PER_SANDBOX) {
        fprintf(stderr, "%s: %s: refused %s, too many connections\n", program_name, l->name,
                format_addr4(address, text));
        return;
    }
    pid_t pid = fork_worker(sigfd);
    if (pid < 0)
        return;
    if (pid == 0) {
        close(new_circuit_fd);
        if (!l->list.socket)
            keep_alive(fd);
        bound_writes(fd);
        control_session(svc, &l->list, fd, address);
        _exit(0);
    }
    *slot = (struct child){pid, address, uid};
}

static void start_new_circuit(const struct torgate_config *cfg, int sigfd)
{
    pid_t pid = fork_worker(sigfd);
    if (pid < 0)
        return;
    if (pid == 0) {
        new_circuit_service(cfg, new_circuit_fd);
        _exit(0);
    }
    new_circuit_pid = pid;
}

/* true if the new-circuit process was among the dead */
static bool reap(void)
{
    pid_t pid;
    bool tracker = false;
    while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
        for (size_t i = 0; i < MAX_CONNECTIONS; i++)
            if (children[i].pid == pid)
                children[i].pid = 0;
        if (pid == new_circuit_pid) {
            new_circuit_pid = 0;
            new_circuit_died = monotonic_s();
            tracker = true;
        }
    }
    return tracker;
}

static const struct option options[] = {
    {"config", required_argument, NULL, 'c'},
    {"allowlists", required_argument, NULL, 'a'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int main(int argc, char **argv)
{
    const char *config = TORGATE_SYSCONFDIR "/torgate/torgate.conf";
    const char *dir = CONTROL_ALLOWLIST_DIR;
    for (int c; (c = getopt_long(argc, argv, "", options, NULL)) != -1;) {
        if (c == 'c')
            config = optarg;
        else if (c == 'a')
            dir = optarg;
        else {
            fprintf(c == 'h' ? stdout : stderr,
                    "usage: torgate-control-filter [--config FILE] [--allowlists DIR]\n");
            return c == 'h' ? 0 : 2;
        }
    }
    struct torgate_config cfg;
    load_config(&cfg, config);
    DIR *d = opendir(dir);
    if (!d)
        die_with_error("cannot read the allowlists in %s", dir);
    for (struct dirent *e; (e = readdir(d));)
        load_allowlist(dir, e->d_name);
    closedir(d);
    if (!n_listeners)
        die("no allowlist in %s: nothing to serve", dir);
    for (size_t i = 0; i < n_listeners; i++)
        listen_on(&listeners[i]);
    new_circuit_fd = listen_unix(cfg.new_circuit_socket);
    fprintf(stderr, "%s: new-circuit on %s\n", program_name, cfg.new_circuit_socket);

    /* a peer gone makes a write fail, in every process of the service */
    signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
    if (sigfd < 0)
        die_with_error("signalfd");
    struct control_service svc = {&cfg};
    start_new_circuit(&cfg, sigfd);
    for (;;) {
        struct pollfd fds[MAX_LISTS + 1] = {{.fd = sigfd, .events = POLLIN}};
        for (size_t i = 0; i < n_listeners; i++)
            fds[i + 1] = (struct pollfd){.fd = listeners[i].fd, .events = POLLIN};
        /* a new-circuit process that died is started again a second later */
        if (poll(fds, n_listeners + 1, new_circuit_pid ? -1 : 1000) < 0 && errno != EINTR)
            die_with_error("poll");
        if (!new_circuit_pid && monotonic_s() > new_circuit_died)
            start_new_circuit(&cfg, sigfd);
        if (fds[0].revents) {
            struct signalfd_siginfo si;
            if (read(sigfd, &si, sizeof si) == sizeof si && si.ssi_signo != SIGCHLD)
                break;
            if (reap())
                fprintf(stderr, "%s: the new-circuit process ended; it starts again in a second or two\n", program_name);
        }
        for (size_t i = 0; i < n_listeners; i++)
            if (fds[i + 1].revents)
                serve(&svc, &listeners[i], sigfd);
    }
    /* the connections end with the service */
    for (size_t i = 0; i < MAX_CONNECTIONS; i++)
        if (children[i].pid)
            kill(children[i].pid, SIGTERM);
    if (new_circuit_pid) {
        kill(new_circuit_pid, SIGTERM);
        waitpid(new_circuit_pid, NULL, 0);
    }
    unlink(cfg.new_circuit_socket);
    for (size_t i = 0; i < n_listeners; i++) {
        if (listeners[i].list.socket)
            unlink(listeners[i].list.socket);
        control_allowlist_clear(&listeners[i].list);
    }
    config_clear(&cfg);
    return 0;
}
