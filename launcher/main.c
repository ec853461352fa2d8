/* torgate: run COMMAND with its traffic forced through Tor (or, for the
 * Unsafe Browser profile, the clearnet), or nowhere. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <linux/close_range.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "caps.h"
#include "config.h"
#include "profile.h"
#include "sandbox.h"
#include "util.h"

#define DEFAULT_CONFIG TORGATE_SYSCONFDIR "/torgate/torgate.conf"

struct options {
    const char *profile;
    const char *config;
    char **argv;
};

static void usage(FILE *out)
{
    fputs("usage: torgate [--profile NAME] [--config FILE] [-v] [--] COMMAND [ARG...]\n"
          "Runs COMMAND with all its traffic through Tor, or nowhere.\n"
          "  -p, --profile NAME  use NAME.profile (default: COMMAND's name if such a\n"
          "                      profile exists, else 'default')\n"
          "  -c, --config FILE   read FILE instead of " DEFAULT_CONFIG " (root only)\n"
          "  -v, --verbose       say what is being set up\n"
          "  -h, --help          show this help\n"
          "  -V, --version       show the version\n",
          out);
}

static struct options parse_options(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"profile", required_argument, NULL, 'p'}, {"config", required_argument, NULL, 'c'},
        {"verbose", no_argument, NULL, 'v'},       {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},       {NULL, 0, NULL, 0},
    };
    struct options opts = {0};
    int c;
    opterr = 0;
    /* '+': options end at COMMAND, whose own options are its own. */
    while ((c = getopt_long(argc, argv, "+p:c:vhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': opts.profile = optarg; break;
        case 'c': opts.config = optarg; break;
        case 'v': verbose = true; break;
        case 'h': usage(stdout); exit(0);
        case 'V': puts("torgate " TORGATE_VERSION); exit(0);
        default:
            die("unknown option or missing value: %s (torgate --help shows the options)",
                argv[optind - 1] ? argv[optind - 1] : "?");
        }
    }
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

static void choose_profile(struct profile *p, const struct options *opts)
{
    if (opts->profile) {
        profile_find(p, opts->profile);
        return;
    }
    autofree char *copy = xstrdup(opts->argv[0]);
    if (!profile_find_optional(p, basename(copy)))
        profile_find(p, "default");
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

int main(int argc, char **argv)
{
    distrust_caller();
    caps_init();
    struct options opts = parse_options(argc, argv);

    struct torgate_config cfg;
    load_config(&cfg, opts.config);
    struct profile profile = {0};
    choose_profile(&profile, &opts);
    debug("profile %s (%s), mode %s", profile.name, profile.path, net_mode_name(profile.mode));

    struct sandbox_plan plan = {.cfg = &cfg, .profile = &profile, .argv = opts.argv};
    if (profile.mode == MODE_CLEARNET)
        plan.clearnet_resolvers = clearnet_resolvers_read(cfg.clearnet_resolv_conf);

    int status = launch(&plan);
    free(plan.clearnet_resolvers);
    profile_clear(&profile);
    config_clear(&cfg);
    return status;
}
