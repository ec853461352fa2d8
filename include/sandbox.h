/* One sandbox: what the launcher decided, and the processes that carry it out. */
#ifndef TORGATE_SANDBOX_H
#define TORGATE_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "pool.h"
#include "profile.h"

struct sandbox_plan {
    const struct torgate_config *cfg;
    const struct profile *profile;
    char *clearnet_resolvers; /* "nameserver ..." lines, dns = clearnet only */
    char *user_config_dir;    /* ~/.config/torgate, made read-only inside; NULL if none */
    char **argv;              /* COMMAND and its arguments */
    char *cwd;                /* the caller's working directory, found again inside; NULL if none */
};

/* Runs COMMAND in a new sandbox and returns torgate's exit status: COMMAND's,
 * 128+N if it died of signal N, or 125/126/127 when it could not start. */
int launch(const struct sandbox_plan *plan);

/* Pipes between the launcher and the sandbox's first process. */
struct sandbox_channel {
    int ready_fd; /* sandbox -> launcher: its namespaces exist */
    int slot_fd;  /* launcher -> sandbox: the slot, once the host side is set */
    int error_fd; /* sandbox -> launcher: "<status><message>", or EOF once COMMAND is exec'd */
};

/* The sandbox's first process, PID 1 of its PID namespace: makes its network
 * and mount namespaces, waits for its slot, sets them up, then runs COMMAND
 * under init_run(). Never returns. */
__attribute__((noreturn)) void sandbox_main(const struct sandbox_plan *plan, struct sandbox_channel ch);

/* Sandbox side: /proc for the new PID namespace; the sandbox's own
 * /etc/resolv.conf and /etc/nsswitch.conf (hosts: files dns), read-only; the
 * host's resolver side doors (nscd, systemd-resolved's varlink, avahi) out of
 * sight; the user's torgate profiles read-only, so that nothing an app
 * writes changes what a later sandbox may do. */
void sandbox_mounts(const char *resolv_conf, const char *user_config_dir);

/* Proxy variables (proxy-env = yes) for COMMAND's environment. */
void proxy_env_apply(const struct sandbox_plan *plan, const struct slot *slot);

/* PID 1: starts COMMAND (capabilities dropped), reaps every orphan, forwards
 * signals, and exits with COMMAND's status when COMMAND exits, which takes
 * every other process of the sandbox with it. */
struct seccomp_policy;
__attribute__((noreturn)) void init_run(char **argv, int error_fd, const struct seccomp_policy *policy);

/* The resolv.conf a sandbox gets: the gateway in tor mode, the clearnet
 * resolvers in clearnet mode. */
char *resolv_conf_render(const struct sandbox_plan *plan, const struct slot *slot);
/* Reads the clearnet resolvers file into "nameserver A" lines (IPv4, not
 * loopback: a sandbox cannot reach the host). Dies naming file:line. */
char *clearnet_resolvers_read(const char *path);
/* The same, from text already read; false with *err. */
bool clearnet_resolvers_parse(const char *text, const char *path, char **lines, char **err);

/* Signals a process relays to target: SIGINT, SIGTERM, SIGHUP, SIGQUIT,
 * SIGUSR1, SIGUSR2. Those the terminal sent to the whole process group are
 * not relayed: COMMAND got them already. */
void relay_signals_to(pid_t target);

#endif
