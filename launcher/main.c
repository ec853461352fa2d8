/* torgate: run COMMAND with its traffic forced through Tor (or, for the
 * Unsafe Browser profile, the clearnet), or nowhere. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <sys/stat.h>
#include <linux/close_range.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "a11y.h"
#include "caps.h"
#include "check.h"
#include "config.h"
#include "dialog.h"
#include "environment.h"
#include "policy.h"
#include "profile.h"
#include "launch.h"
#include "notify.h"
#include "plan.h"
#include "firewall_admin.h"
#include "resolv.h"
#include "running.h"
#include "tor_wait.h"
#include "util.h"
#include "wrap.h"

#define DEFAULT_CONFIG TORGATE_SYSCONFDIR "/torgate/torgate.conf"

struct options {
    const char *profile;
    const char *user;
    const char *config;
    const char *explain;
    bool list_profiles;
    bool check;
    bool remove_firewall;
    bool restore_firewall;
    bool list_running;
    const char *stop;
    const char *new_circuit; /* a sandbox's ID */
    unsigned wait_for_tor; /* seconds; 0: do not wait */
    bool wrap;
    enum wrap_action wrap_action;
    bool wrap_system;
    char **argv;
};

static void usage(FILE *out)
{
    fputs("usage: torgate [--profile NAME] [--config FILE] [--user NAME] [-v] [--] COMMAND [ARG...]\n"
          "       torgate --list-profiles | --explain NAME | check | remove-firewall | restore-firewall\n"
          "       torgate wrap [--list | --undo] [--system] | list | stop ID | new-circuit ID\n"
          "Runs COMMAND with all its traffic through Tor, or nowhere.\n"
          "  -p, --profile NAME  use NAME.profile (default: COMMAND's name if such a\n"
          "                      profile exists, else 'default')\n"
          "  -c, --config FILE   read FILE instead of " DEFAULT_CONFIG " (root only)\n"
          "  -u, --user NAME     root only, and needed by root: run as NAME would\n"
          "  -v, --verbose       say what is being set up\n"
          "  -w, --wait-for-tor[=SECONDS]\n"
          "                      in tor mode, first wait until Tor has connected,\n"
          "                      showing its progress; give up after SECONDS\n"
          "                      (default 120)\n"
          "  -l, --list-profiles list the system profiles and their modes\n"
          "  -e, --explain NAME  print NAME's effective policy and the rules it\n"
          "                      installs, without running anything\n"
          "  -h, --help          show this help\n"
          "  -V, --version       show the version\n"
          "  check               say whether this machine is ready, and what to fix\n"
          "  remove-firewall     root only: delete torgate's nftables table, if no\n"
          "                      sandbox runs (the package does it when removed)\n"
          "  restore-firewall    root only: write torgate's table again under the\n"
          "                      running sandboxes (after nft flush ruleset)\n"
          "  wrap                menu entries that start each installed application\n"
          "                      that has a profile through torgate (yours; with\n"
          "                      --system, as root, everyone's); --list shows them,\n"
          "                      --undo puts back exactly what was there\n"
          "  list                your running sandboxes (root: everyone's)\n"
          "  stop ID             end one, as SIGTERM to its torgate would\n"
          "  new-circuit ID      give one fresh Tor circuits (no other sandbox's change)\n",
          out);
}

/* --wait-for-tor's SECONDS: 1 to 3600, 120 if not given. */
static unsigned wait_seconds(const char *value)
{
    if (!value)
        return 120;
    char *end;
    errno = 0;
    unsigned long s = strtoul(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || *end || errno || s < 1 || s > 3600)
        die("--wait-for-tor=%s: expected seconds, 1 to 3600", value);
    return (unsigned)s;
}

static struct options parse_options(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"profile", required_argument, NULL, 'p'}, {"config", required_argument, NULL, 'c'},
        {"verbose", no_argument, NULL, 'v'},       {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},       {"list-profiles", no_argument, NULL, 'l'},
        {"explain", required_argument, NULL, 'e'}, {"user", required_argument, NULL, 'u'},
        {"wait-for-tor", optional_argument, NULL, 'w'}, {NULL, 0, NULL, 0},
    };
    struct options opts = {0};
    int c;
    opterr = 0;
    /* '+': options end at COMMAND, whose own options are its own. */
    while ((c = getopt_long(argc, argv, "+p:c:u:vhVle:w::", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': opts.profile = optarg; break;
        case 'c': opts.config = optarg; break;
        case 'u': opts.user = optarg; break;
        case 'v': verbose = true; break;
        case 'l': opts.list_profiles = true; break;
        case 'e': opts.explain = optarg; break;
        case 'w': opts.wait_for_tor = wait_seconds(optarg); break;
        case 'h': usage(stdout); exit(0);
        case 'V': puts("torgate " TORGATE_VERSION); exit(0);
        default:
            die("unknown option or missing value: %s (torgate --help shows the options)",
                argv[optind - 1] ? argv[optind - 1] : "?");
        }
    }
    /* "torgate check", unless "--" came first (torgate -- check runs a program). */
    const char *word = optind < argc && strcmp(argv[optind - 1], "--") != 0 ? argv[optind] : "";
    opts.check = strcmp(word, "check") == 0;
    opts.remove_firewall = strcmp(word, "remove-firewall") == 0;
    opts.restore_firewall = strcmp(word, "restore-firewall") == 0;
    if (strcmp(word, "list") == 0 || strcmp(word, "stop") == 0 || strcmp(word, "new-circuit") == 0) {
        opts.list_running = word[0] == 'l';
        if (opts.list_running && optind + 1 != argc)
            die("torgate list takes no arguments");
        if (!opts.list_running && optind + 2 != argc)
            die("torgate %s takes one ID (torgate list shows them)", word);
        if (word[0] == 's')
            opts.stop = argv[optind + 1];
        else if (word[0] == 'n')
            opts.new_circuit = argv[optind + 1];
        return opts;
    }
    if (strcmp(word, "wrap") == 0) {
        opts.wrap = true;
        for (int i = optind + 1; i < argc; i++) {
            if (strcmp(argv[i], "--list") == 0 && opts.wrap_action == WRAP_ENTRIES)
                opts.wrap_action = WRAP_LIST;
            else if (strcmp(argv[i], "--undo") == 0 && opts.wrap_action == WRAP_ENTRIES)
                opts.wrap_action = WRAP_UNDO;
            else if (strcmp(argv[i], "--system") == 0)
                opts.wrap_system = true;
            else
                die("wrap: unknown argument %s (torgate wrap [--list | --undo] [--system])", argv[i]);
        }
        return opts;
    }
    if (opts.check || opts.remove_firewall || opts.restore_firewall) {
        if (optind + 1 != argc)
            die("torgate %s takes no arguments", word);
        return opts;
    }
    if (opts.list_profiles || opts.explain)
        return opts;
    if (optind >= argc)
        die("no COMMAND given: torgate [--profile NAME] [--] COMMAND [ARG...]");
    opts.argv = argv + optind;
    return opts;
}

static void load_config(struct torgate_config *cfg, const char *path)
{
    config_set_defaults(cfg);
    const char *name = path ? path : DEFAULT_CONFIG;
    if (path && getuid() != 0)
        die("--config is honoured for root only: it could widen what sandboxes reach");
    FILE *f = fopen(name, "re");
    if (!f) {
        if (errno == ENOENT && !path)
            return; /* no system config: the defaults hold */
        die_with_error("cannot read config %s", name);
    }
    autofclose FILE *file = f;
    autofree char *err = NULL;
    if (!config_load(cfg, file, name, &err) || !config_validate(cfg, name, &err))
        die("%s", err);
}

/* Started from a menu: no terminal, and a desktop session to show a dialog
 * in. Scripts (no terminal, no display) and the command line are not asked:
 * whoever wrote the command knew what it runs. */
static bool from_a_menu(void)
{
    const char *x11 = environment_caller_get("DISPLAY"), *wayland = environment_caller_get("WAYLAND_DISPLAY");
    return notify_no_terminal() && ((x11 && *x11) || (wayland && *wayland));
}

/* confirm = yes, from a menu: the user says so first, knowing what it
 * means (the profile is a clearnet one: check_keys() sees to it). */
static bool confirmed(const struct profile *profile, const char *app)
{
    autofree char *text = xasprintf(
        "Start %s without Tor?\n\nIt connects directly: the sites you visit and the network you are on see your "
        "real address, and nothing you do in it is anonymous.\n\nUse it only to log in to a network (a captive "
        "portal: a hotel's or a station's Wi-Fi login page), then close it.", app);
    return dialog_ask(profile->name, text, "Start without Tor");
}

/* control-port = NAME: the administrator's allowlist (never one of the
 * user's), and, where it allows onion services, whom tor runs as. */
static void read_control_allowlist(const struct torgate_config *cfg, const struct profile *profile,
                                   struct control_allowlist *list, unsigned *tor_uid)
{
    autofree char *err = NULL;
    autofree char *path = xasprintf(CONTROL_ALLOWLIST_DIR "/%s.conf", profile->control_port);
    if ((access(path, F_OK) == 0 && !path_trusted(path, "control port allowlist", &err)) ||
        !control_allowlist_read(list, CONTROL_ALLOWLIST_DIR, profile->control_port, &err))
        die("%s:%d: control-port = %s: %s", profile->path, profile->lines[KEY_CONTROL_PORT], profile->control_port,
            err);
    /* Its port becomes the sandbox's host service: never one of Tor's own. */
    const struct endpoint4 *tor[] = {&cfg->control_port, &cfg->trans_port, &cfg->dns_port, &cfg->socks_port,
                                     &cfg->http_tunnel_port};
    for (size_t i = 0; i < N_ELEMENTS(tor); i++)
        if (list->port && list->port == tor[i]->port)
            die("%s: port %u is one of Tor's own ports: give the filter a port of its own", path, list->port);
    if (!list->port)
        die("%s: it is for the host's users ([filter] socket), not for sandboxes: name another allowlist", path);
    if (!list->onion_services)
        return;
    struct passwd *pw = getpwnam(cfg->tor_user);
    if (!pw)
        die("control-port = %s allows onion services, but there is no user %s ([tor] user in torgate.conf): name "
            "the user tor runs as", profile->control_port, cfg->tor_user);
    *tor_uid = (unsigned)pw->pw_uid;
}

/* What torgate needs of the caller's limits, with some room for COMMAND,
 * which inherits them. Below these, a library would fail halfway (with
 * libnftables' own abort message) instead of torgate saying why. */
static const struct {
    int resource;
    rlim_t minimum;
    rlim_t unit; /* as ulimit shows it */
    const char *name, *option;
} needed_limits[] = {
    {RLIMIT_NOFILE, 32, 1, "open files", "-n"},
    {RLIMIT_AS, 64u << 20, 1024, "address space (KiB)", "-v"},
    {RLIMIT_DATA, 64u << 20, 1024, "data segment (KiB)", "-d"},
};

static void refuse_low_limits(void)
{
    for (size_t i = 0; i < N_ELEMENTS(needed_limits); i++) {
        struct rlimit rl;
        if (getrlimit(needed_limits[i].resource, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
            rl.rlim_cur >= needed_limits[i].minimum)
            continue;
        die("your %s limit is %llu, below the %llu torgate needs: raise it (ulimit %s)", needed_limits[i].name,
            (unsigned long long)(rl.rlim_cur / needed_limits[i].unit),
            (unsigned long long)(needed_limits[i].minimum / needed_limits[i].unit), needed_limits[i].option);
    }
}

/* What a caller hands a capability-bearing program is not trusted: its file
 * descriptors do not reach COMMAND (one could be a socket outside the
 * sandbox), and no one may ptrace or dump this process. */
static void distrust_caller(void)
{
    if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
        die_with_error("cannot mark inherited file descriptors close-on-exec");
    if (prctl(PR_SET_DUMPABLE, 0) != 0)
        die_with_error("cannot make torgate non-dumpable");
}

/* Standard streams the caller closed are opened on /dev/null first:
 * otherwise the next descriptor torgate opens (a channel, a socket) would
 * take one's number, and go wherever that stream goes (COMMAND, helpers,
 * an error message). Nothing can be said if this fails. */
static void fill_standard_streams(void)
{
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
            _exit(EXIT_TORGATE);
}

/* What a standard stream may be, since COMMAND gets it as it is: a file,
 * a pipe, a terminal or another character device, a UNIX socket (a
 * journal's stream, ssh's: the host's to answer, as a pipe is). A network
 * socket (a TCP connection a caller redirected) would be a way out that
 * neither of the sandbox's walls sees, outside Tor; a directory would lead
 * COMMAND out of its mount namespace's view (fchdir, openat); anything
 * else is refused as well. */
static void refuse_unsafe_streams(void)
{
    static const char *const names[] = {"standard input", "standard output", "standard error"};
    for (int fd = 0; fd < 3; fd++) {
        struct stat st;
        int domain = -1;
        socklen_t len = sizeof domain;
        if (fstat(fd, &st) != 0)
            die_with_error("cannot look at %s", names[fd]);
        if (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))
            continue;
        if (S_ISSOCK(st.st_mode) && getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_UNIX)
            continue;
        if (S_ISSOCK(st.st_mode))
            die("%s is a network socket, which the app would reach the network through, outside Tor: give it a "
                "file, a pipe or a terminal instead", names[fd]);
        die("%s is %s, which would lead the app out of its sandbox's view of the files: give it a file, a pipe or "
            "a terminal instead", names[fd], S_ISDIR(st.st_mode) ? "a directory" : "neither a file, a pipe, a terminal nor a UNIX socket");
    }
}

/* ~/.config/torgate, made read-only inside the sandbox; created here, as the
 * user (no capability is effective), if missing, so that an app cannot be
 * the one to create it. */
static char *prepare_user_config_dir(const char *user_dir)
{
    if (!user_dir)
        return NULL;
    autofree char *dir = xstrdup(user_dir);
    autofree char *config = xstrdup(dir);
    *strrchr(config, '/') = '\0'; /* ~/.config */
    autofree char *profiles = xasprintf("%s/profiles", dir);
    (void)(mkdir(config, 0700) == 0 || errno == EEXIST);
    (void)(mkdir(dir, 0755) == 0 || errno == EEXIST);
    (void)(mkdir(profiles, 0755) == 0 || errno == EEXIST);
    return steal_pointer(&dir);
}

/* A COMMAND run as root would own every root-owned file and socket of the
 * host (/etc, /proc/sys, the system bus as root): no sandbox holds that.
 * Root names the user COMMAND runs as, and torgate then does everything as
 * that user would. */
static void choose_identity(const struct options *opts)
{
    bool root = getuid() == 0 || geteuid() == 0;
    if (opts->user && !root)
        die("--user is for root only");
    if (opts->argv && root && !opts->user)
        die("torgate does not run COMMAND as root, where no sandbox could hold it: run torgate as your own "
            "user, or as root name one with --user NAME");
    if (!opts->user)
        return;
    caps_become_user(opts->user);
    struct passwd *pw = getpwuid(getuid());
    /* As sudo -u sets them: root's would mislead COMMAND (root's PATH has
     * directories the user cannot search). */
    environment_caller_set("HOME", pw ? pw->pw_dir : "/");
    environment_caller_set("USER", opts->user);
    environment_caller_set("LOGNAME", opts->user);
    environment_caller_set("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
}

int main(int argc, char **argv)
{
    fill_standard_streams();
    environment_isolate();
    distrust_caller();
    struct options opts = parse_options(argc, argv);
    if (opts.argv)
        notify_failures(opts.argv[0]);
    refuse_low_limits();
    /* Read as the caller, with no capability effective: root's --config
     * before root becomes --user. */
    struct torgate_config cfg;
    load_config(&cfg, opts.config);
    if (opts.restore_firewall || opts.remove_firewall) {
        int status = opts.restore_firewall ? restore_firewall_run(&cfg) : remove_firewall_run(&cfg);
        config_clear(&cfg);
        return status;
    }
    choose_identity(&opts);
    /* Listing, explaining and wrapping need no privilege at all; root's list
     * and stop reach into every user's records and launchers. */
    bool running = opts.list_running || opts.stop || opts.new_circuit;
    if (running && getuid() == 0)
        caps_root_over_users();
    else if (opts.list_profiles || opts.explain || opts.wrap || running)
        caps_drop_quietly();
    else if (opts.check)
        caps_check_init();
    else
        caps_init();
    if (running) {
        int status = opts.stop          ? running_stop(opts.stop)
                     : opts.new_circuit ? running_new_circuit(opts.new_circuit, cfg.new_circuit_socket)
                                        : running_list();
        config_clear(&cfg);
        return status;
    }
    if (opts.wrap) {
        config_clear(&cfg);
        return wrap_run(opts.wrap_action, opts.wrap_system);
    }
    if (opts.check) {
        int status = check_run(&cfg);
        config_clear(&cfg);
        return status;
    }
    autofree char *err = NULL;
    if (opts.list_profiles) {
        if (!profile_list(stdout, &err))
            die("%s", err);
        return 0;
    }
    autofree char *user_dir = user_torgate_dir();
    struct profile_dirs dirs = profile_dirs_installed(user_dir);
    struct profile profile = {0};
    struct plan plan;
    if (opts.explain) {
        if (!profile_resolve(&dirs, &profile, opts.explain, NULL, &err))
            die("%s", err);
        plan_build(&plan, &cfg, &profile, NULL);
        plan_explain(stdout, &plan);
        return 0;
    }
    refuse_unsafe_streams();
    if (!profile_resolve(&dirs, &profile, opts.profile, opts.argv[0], &err))
        die("%s", err);
    bool asks = profile.confirm && from_a_menu();
    if (asks) /* as the menu entry's dialogs, not notifications */
        dialog_failures(profile.name);
    if (!policy_authorize(&cfg, &profile, &err))
        die("%s", err);
    if (profile.single_instance && !running_claim_single(profile.name))
        die("%s is already running (profile %s): only one at a time; close it first, or torgate list and torgate "
            "stop ID", opts.argv[0], profile.name);
    if (asks && !confirmed(&profile, opts.argv[0]))
        return 1;
    debug("profile %s (%s), mode %s", profile.name, profile.path, net_mode_name(profile.mode));
    if (opts.wait_for_tor && profile.mode == MODE_TOR)
        tor_wait_bootstrap(opts.wait_for_tor, opts.argv[0]);

    autofree char *config_dir = prepare_user_config_dir(user_dir), *cwd = getcwd(NULL, 0), *resolvers = NULL;
    autofree char *home = user_home_dir();
    if (profile.dns == DNS_CLEARNET)
        resolvers = clearnet_resolvers_read(cfg.clearnet_resolv_conf);
    struct desktop_caller desktop;
    desktop_from_caller(&desktop, &profile);
    autofree char *a11y_bus = profile.accessibility ? a11y_bus_address(desktop.session_bus) : NULL;
    desktop.a11y_bus = a11y_bus;
    struct control_allowlist control = {0};
    unsigned tor_uid = 0;
    if (profile.control_port[0])
        read_control_allowlist(&cfg, &profile, &control, &tor_uid);
    struct caller caller = {.argv = opts.argv,
                            .control = profile.control_port[0] ? &control : NULL,
                            .tor_uid = tor_uid,
                            .desktop = &desktop,
                            .uid = (unsigned)getuid(),
                            .cwd = cwd,
                            .home = home,
                            .user_config_dir = config_dir,
                            .clearnet_resolvers = resolvers};
    plan_build(&plan, &cfg, &profile, &caller);
    int status = launch(&plan);
    control_allowlist_clear(&control);
    profile_clear(&profile);
    config_clear(&cfg);
    return status;
}
