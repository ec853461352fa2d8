/* Profile files: schema, cross-key checks, narrowing, and where they live. */
#include "profile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "control_filter.h"
#include "session.h"
#include "settings.h"
#include "util.h"

static const char *const system_dirs[] = {
    TORGATE_SYSCONFDIR "/torgate/profiles", /* the administrator's, first */
    TORGATE_DATADIR "/torgate/profiles",    /* shipped with torgate */
};

static bool parse_mode(const char *value, void *target, char **why)
{
    static const char *const names[] = {"tor", "clearnet", "i2p", "offline"};
    for (size_t i = 0; i < N_ELEMENTS(names); i++) {
        if (strcmp(value, names[i]) == 0) {
            *(enum net_mode *)target = (enum net_mode)i;
            return true;
        }
    }
    *why = xstrdup("expected tor, clearnet, i2p or offline");
    return false;
}

static bool parse_dns(const char *value, void *target, char **why)
{
    static const char *const names[] = {NULL, "tor", "clearnet", "none"};
    for (size_t i = 1; i < N_ELEMENTS(names); i++) {
        if (strcmp(value, names[i]) == 0) {
            *(enum dns_mode *)target = (enum dns_mode)i;
            return true;
        }
    }
    *why = xstrdup("expected tor, clearnet or none");
    return false;
}

/* One PROTO/PORT item, strictly: "tcp" or "udp", '/', 1 to 5 digits, no
 * sign, no leading zero, at most 65535. */
static bool parse_service(const char *item, struct host_service *out)
{
    const char *slash = strchr(item, '/');
    if (!slash)
        return false;
    size_t proto_len = (size_t)(slash - item);
    if (proto_len == 3 && strncmp(item, "tcp", 3) == 0)
        out->proto = IPPROTO_TCP;
    else if (proto_len == 3 && strncmp(item, "udp", 3) == 0)
        out->proto = IPPROTO_UDP;
    else
        return false;
    const char *digits = slash + 1;
    size_t n = strlen(digits);
    if (n == 0 || n > 5 || digits[0] == '0' || strspn(digits, "0123456789") != n)
        return false;
    unsigned long port = strtoul(digits, NULL, 10);
    if (port > 65535)
        return false;
    out->port = (uint16_t)port;
    return true;
}

/* "tcp/631, udp/5353": PROTO/PORT items separated by commas. */
static bool parse_control_port(const char *value, void *target, char **why)
{
    if (!control_allowlist_name_valid(value)) {
        *why = xstrdup("expected the name of an allowlist of the control port filter (lower-case letters, "
                       "digits and '-')");
        return false;
    }
    snprintf(target, sizeof ((struct profile *)0)->control_port, "%s", value);
    return true;
}

static bool parse_services(const char *value, void *target, char **why)
{
    struct host_services *s = target;
    autofree char *copy = xstrdup(value);
    s->count = 0;
    char *rest = copy, *item;
    while ((item = strsep(&rest, ","))) {
        item += strspn(item, " \t");
        char *end = item + strlen(item);
        while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        struct host_service svc;
        if (!parse_service(item, &svc)) {
            *why = xasprintf("'%s' is not PROTO/PORT (tcp/631, udp/5353)", item);
            return false;
        }
        for (size_t i = 0; i < s->count; i++) {
            if (s->list[i].proto == svc.proto && s->list[i].port == svc.port) {
                *why = xasprintf("'%s' is given twice", item);
                return false;
            }
        }
        if (s->count == MAX_HOST_SERVICES) {
            *why = xasprintf("at most %d host services", MAX_HOST_SERVICES);
            return false;
        }
        s->list[s->count++] = svc;
    }
    return true;
}

static bool parse_view(const char *value, void *target, char **why, const char *generic, const char *host)
{
    bool is_generic;
    if (!parse_two(value, &is_generic, generic, host, why))
        return false;
    *(enum view_choice *)target = is_generic ? VIEW_GENERIC : VIEW_HOST;
    return true;
}

static bool parse_account(const char *value, void *target, char **why)
{
    return parse_view(value, target, why, "generic", "real");
}

static bool parse_timezone(const char *value, void *target, char **why)
{
    return parse_view(value, target, why, "utc", "host");
}

/* "none", or a comma-separated list of wayland and x11. */
static bool parse_display(const char *value, void *target, char **why)
{
    unsigned servers = 0;
    if (strcmp(value, "none") != 0) {
        autofree char *copy = xstrdup(value);
        char *rest = copy, *item;
        while ((item = strsep(&rest, ","))) {
            item += strspn(item, " \t");
            item[strcspn(item, " \t")] = '\0';
            if (strcmp(item, "wayland") == 0)
                servers |= DISPLAY_WAYLAND;
            else if (strcmp(item, "x11") == 0)
                servers |= DISPLAY_X11;
            else {
                *why = xasprintf("'%s' is not a display server: expected none, or wayland and/or x11", item);
                return false;
            }
        }
    }
    *(unsigned *)target = servers;
    return true;
}

/* The store of own directories (mounts.c) and what leads to it are no
 * profile's own directory: a sandbox must never see into the store. */
static bool touches_store(const char *path, size_t len)
{
    static const char store[] = OWN_DIRS_STORE;
    size_t n = strlen(store);
    if (len <= n)
        return strncmp(store, path, len) == 0 && (len == n || store[len] == '/');
    return strncmp(path, store, n) == 0 && path[n] == '/';
}

static bool add_own_dir(const char *item, size_t len, void *ctx, char **why)
{
    struct own_dirs *dirs = ctx;
    while (len > 1 && item[len - 1] == '/')
        len--;
    if (len >= MAX_OWN_DIR || !home_path_valid(item, len) || (len == 1 && item[0] == '.')) {
        *why = xasprintf("'%.*s' is not a directory inside the home (such as .mozilla)", (int)len, item);
        return false;
    }
    if (touches_store(item, len)) {
        *why = xasprintf("'%.*s' holds the own directories of every profile (" OWN_DIRS_STORE ")", (int)len, item);
        return false;
    }
    if (dirs->count == MAX_OWN_DIRS) {
        *why = xasprintf("at most %d own directories", MAX_OWN_DIRS);
        return false;
    }
    memcpy(dirs->path[dirs->count], item, len);
    dirs->path[dirs->count++][len] = '\0';
    return true;
}

/* Home-relative directories, comma-separated. */
static bool parse_own_dirs(const char *value, void *target, char **why)
{
    struct own_dirs dirs = {0};
    if (!settings_each_item(value, add_own_dir, &dirs, why))
        return false;
    *(struct own_dirs *)target = dirs;
    return true;
}

static bool parse_dns_types(const char *value, void *target, char **why)
{
    return parse_two(value, target, "all", "basic", why);
}

static bool parse_bus_given(const char *value, void *target, char **why)
{
    return parse_two(value, target, "filtered", "none", why);
}

#define BUS_KEY(bus, section, verb, key, parser)                                                                       \
    [KEY_BUS_RULES + (bus) * BUS_VERBS + (verb)] = {section, key, parser,                                          \
                                                    offsetof(struct profile, buses[bus].verbs[verb])}

static const struct setting profile_schema[PROFILE_KEYS] = {
    [KEY_MODE] = {"profile", "mode", parse_mode, offsetof(struct profile, mode)},
    [KEY_DNS] = {"profile", "dns", parse_dns, offsetof(struct profile, dns)},
    [KEY_DNS_TYPES] = {"profile", "dns-types", parse_dns_types, offsetof(struct profile, dns_all_types)},
    [KEY_LAN] = {"profile", "lan", parse_allow_deny, offsetof(struct profile, lan)},
    [KEY_SERVICES] = {"profile", "host-services", parse_services, offsetof(struct profile, services)},
    [KEY_CONTROL_PORT] = {"profile", "control-port", parse_control_port, offsetof(struct profile, control_port)},
    [KEY_PROXY_ENV] = {"profile", "proxy-env", parse_yes_no, offsetof(struct profile, proxy_env)},
    [KEY_USERNS] = {"profile", "user-namespaces", parse_allow_deny, offsetof(struct profile, user_namespaces)},
    [KEY_ACCOUNT] = {"profile", "account", parse_account, offsetof(struct profile, account)},
    [KEY_TIMEZONE] = {"profile", "timezone", parse_timezone, offsetof(struct profile, timezone)},
    [KEY_DISPLAY] = {"profile", "display", parse_display, offsetof(struct profile, display)},
    [KEY_SOUND] = {"profile", "sound", parse_allow_deny, offsetof(struct profile, sound)},
    [KEY_ACCESSIBILITY] = {"profile", "accessibility", parse_allow_deny, offsetof(struct profile, accessibility)},
    [KEY_OWN_DIRS] = {"profile", "own-dirs", parse_own_dirs, offsetof(struct profile, own_dirs)},
    [KEY_CONFIRM] = {"profile", "confirm", parse_yes_no, offsetof(struct profile, confirm)},
    [KEY_SINGLE_INSTANCE] = {"profile", "single-instance", parse_yes_no, offsetof(struct profile, single_instance)},
    [KEY_SESSION_BUS] = {"profile", "session-bus", parse_bus_given,
                         offsetof(struct profile, buses[BUS_SESSION].filtered)},
    [KEY_SYSTEM_BUS] = {"profile", "system-bus", parse_bus_given, offsetof(struct profile, buses[BUS_SYSTEM].filtered)},
    BUS_KEY(BUS_SESSION, "session-bus", BUS_SEE, "see", bus_parse_names),
    BUS_KEY(BUS_SESSION, "session-bus", BUS_TALK, "talk", bus_parse_names),
    BUS_KEY(BUS_SESSION, "session-bus", BUS_OWN, "own", bus_parse_names),
    BUS_KEY(BUS_SESSION, "session-bus", BUS_CALL, "call", bus_parse_rules),
    BUS_KEY(BUS_SESSION, "session-bus", BUS_BROADCAST, "broadcast", bus_parse_rules),
    BUS_KEY(BUS_SYSTEM, "system-bus", BUS_SEE, "see", bus_parse_names),
    BUS_KEY(BUS_SYSTEM, "system-bus", BUS_TALK, "talk", bus_parse_names),
    BUS_KEY(BUS_SYSTEM, "system-bus", BUS_OWN, "own", bus_parse_names),
    BUS_KEY(BUS_SYSTEM, "system-bus", BUS_CALL, "call", bus_parse_rules),
    BUS_KEY(BUS_SYSTEM, "system-bus", BUS_BROADCAST, "broadcast", bus_parse_rules),
};

const char *net_mode_name(enum net_mode mode)
{
    static const char *const names[] = {"tor", "clearnet", "i2p", "offline"};
    return names[mode];
}

const char *dns_mode_name(enum dns_mode dns)
{
    static const char *const names[] = {"unset", "tor", "clearnet", "none"};
    return names[dns];
}

bool profile_name_valid(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 64 || name[0] == '.')
        return false;
    for (const char *c = name; *c; c++) {
        bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                  *c == '_' || *c == '-' || *c == '.';
        if (!ok)
            return false;
    }
    return true;
}

static enum dns_mode mode_dns(enum net_mode mode)
{
    return mode == MODE_TOR ? DNS_TOR : mode == MODE_CLEARNET ? DNS_CLEARNET : DNS_NONE;
}

/* Checks across keys, naming the line of the key that does not fit. */
static bool check_keys(struct profile *p, const char *name, const int *lines, char **err)
{
    int line = 0;
    const char *what = NULL;
    if (p->dns == DNS_UNSET)
        p->dns = mode_dns(p->mode);
    enum view_choice view = p->mode == MODE_CLEARNET ? VIEW_HOST : VIEW_GENERIC;
    if (p->account == VIEW_UNSET)
        p->account = view;
    if (p->timezone == VIEW_UNSET)
        p->timezone = view;
    if (p->dns == DNS_TOR && p->mode != MODE_TOR)
        line = lines[KEY_DNS], what = "dns = tor needs mode = tor";
    else if (p->dns == DNS_CLEARNET && p->mode != MODE_CLEARNET)
        line = lines[KEY_DNS], what = "dns = clearnet needs mode = clearnet";
    else if (p->dns_all_types && p->dns != DNS_TOR)
        line = lines[KEY_DNS_TYPES], what = "dns-types = all needs dns = tor";
    else if (p->services.count && (p->mode == MODE_CLEARNET || p->mode == MODE_OFFLINE))
        line = lines[KEY_SERVICES], what = "host-services cannot be given to a clearnet or offline profile";
    else if (p->confirm && p->mode != MODE_CLEARNET)
        line = lines[KEY_CONFIRM], what = "confirm needs mode = clearnet: its dialog says that the network sees who "
                                          "this is";
    else if (p->control_port[0] && p->mode != MODE_TOR)
        line = lines[KEY_CONTROL_PORT], what = "control-port needs mode = tor";
    else if (p->lan && (p->mode == MODE_I2P || p->mode == MODE_OFFLINE))
        line = lines[KEY_LAN], what = "lan = allow needs mode = tor or clearnet";
    for (int b = 0; !what && b < BUSES; b++)
        for (int v = 0; !what && v < BUS_VERBS; v++)
            if (p->buses[b].verbs[v].count && !p->buses[b].filtered)
                line = lines[KEY_BUS_RULES + b * BUS_VERBS + v],
                what = b == BUS_SESSION ? "rules for the session bus need session-bus = filtered in [profile]"
                                        : "rules for the system bus need system-bus = filtered in [profile]";
    if (!what)
        return true;
    *err = line ? xasprintf("%s:%d: %s", name, line, what) : xasprintf("%s: %s", name, what);
    return false;
}

static void profile_defaults(struct profile *p)
{
    char *keep_name = p->name, *keep_path = p->path;
    *p = (struct profile){.name = keep_name, .path = keep_path, .mode = MODE_TOR};
}

static bool load_checked(struct profile *p, const char *name, char **err, int *lines, bool ok)
{
    return ok && check_keys(p, name, lines, err);
}

bool profile_load(struct profile *p, FILE *file, const char *name, char **err)
{
    profile_defaults(p);
    return load_checked(p, name, err, p->lines,
                        settings_load(file, name, profile_schema, PROFILE_KEYS, p, p->lines, err));
}

bool profile_load_string(struct profile *p, const char *text, const char *name, char **err)
{
    profile_defaults(p);
    return load_checked(p, name, err, p->lines,
                        settings_load_string(text, name, profile_schema, PROFILE_KEYS, p, p->lines, err));
}

static bool has_service(const struct host_services *s, struct host_service want)
{
    for (size_t i = 0; i < s->count; i++)
        if (s->list[i].proto == want.proto && s->list[i].port == want.port)
            return true;
    return false;
}

/* offline narrows everything; tor narrows clearnet (Tor instead of the
 * clearnet, and nothing of the host either way). */
static bool mode_narrows(enum net_mode system, enum net_mode user)
{
    return user == system || user == MODE_OFFLINE || (system == MODE_CLEARNET && user == MODE_TOR);
}

static bool display_narrows(const struct profile *system, const struct profile *user, char **why,
                            enum profile_key *key)
{
    if (!(user->display & ~system->display))
        return true;
    *key = KEY_DISPLAY;
    *why = xasprintf("display %s is not granted by the system profile",
                     user->display & ~system->display & DISPLAY_X11 ? "x11" : "wayland");
    return false;
}

static bool buses_narrow(const struct profile *system, const struct profile *user, char **why,
                         enum profile_key *key)
{
    for (int b = 0; b < BUSES; b++) {
        int verb;
        if (!bus_narrows(&system->buses[b], &user->buses[b], (enum bus_kind)b, why, &verb)) {
            *key = verb == BUS_VERBS ? (b == BUS_SESSION ? KEY_SESSION_BUS : KEY_SYSTEM_BUS)
                                     : (enum profile_key)(KEY_BUS_RULES + b * BUS_VERBS + verb);
            return false;
        }
    }
    return true;
}

bool profile_narrows(const struct profile *system, const struct profile *user, char **why, enum profile_key *key)
{
    if (!mode_narrows(system->mode, user->mode)) {
        *key = KEY_MODE;
        *why = xasprintf("mode = %s is wider than the system profile's mode = %s", net_mode_name(user->mode),
                         net_mode_name(system->mode));
        return false;
    }
    /* Tor's DNS in place of the clearnet's goes with tor in place of clearnet. */
    bool dns_ok = user->dns == DNS_NONE || user->dns == system->dns ||
                  (user->dns == DNS_TOR && user->mode == MODE_TOR && system->dns == DNS_CLEARNET);
    if (!dns_ok) {
        *key = KEY_DNS;
        *why = xasprintf("dns = %s is not granted by the system profile (dns = %s)", dns_mode_name(user->dns),
                         dns_mode_name(system->dns));
        return false;
    }
    if (user->dns_all_types && !system->dns_all_types) {
        *key = KEY_DNS_TYPES;
        *why = xstrdup("dns-types = all is not granted by the system profile");
        return false;
    }
    if (user->lan && !system->lan) {
        *key = KEY_LAN;
        *why = xstrdup("lan = allow is not granted by the system profile");
        return false;
    }
    for (size_t i = 0; i < user->services.count; i++) {
        if (!has_service(&system->services, user->services.list[i])) {
            *key = KEY_SERVICES;
            *why = xasprintf("host service %s/%u is not granted by the system profile",
                             user->services.list[i].proto == IPPROTO_TCP ? "tcp" : "udp",
                             user->services.list[i].port);
            return false;
        }
    }
    if (user->control_port[0] && strcmp(user->control_port, system->control_port) != 0) {
        *key = KEY_CONTROL_PORT;
        *why = xasprintf("control-port = %s is not granted by the system profile", user->control_port);
        return false;
    }
    if (user->user_namespaces && !system->user_namespaces) {
        *key = KEY_USERNS;
        *why = xstrdup("user-namespaces = allow is not granted by the system profile");
        return false;
    }
    if (user->sound && !system->sound) {
        *key = KEY_SOUND;
        *why = xstrdup("sound = allow is not granted by the system profile");
        return false;
    }
    if (user->accessibility && !system->accessibility) {
        *key = KEY_ACCESSIBILITY;
        *why = xstrdup("accessibility = allow is not granted by the system profile");
        return false;
    }
    return display_narrows(system, user, why, key) && buses_narrow(system, user, why, key);
}

/* Every component of path, up to /, owned by root and writable by no one
 * else (a symbolic link's own mode means nothing; a sticky directory, like
 * /tmp, lets no one replace what root put in it). */
static bool check_chain(const char *path, const char *what, char **err)
{
    autofree char *copy = xstrdup(path);
    for (char *p = copy; *p;) {
        struct stat st;
        if (lstat(p, &st) != 0) {
            *err = xasprintf("cannot check %s: %s", p, strerror(errno));
            return false;
        }
        bool sticky_dir = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
        bool writable = !S_ISLNK(st.st_mode) && (st.st_mode & (S_IWGRP | S_IWOTH)) && !sticky_dir;
        if (st.st_uid != 0 || writable) {
            *err = xasprintf("refusing %s: %s is not owned by root or is writable by others (fix its owner and "
                             "mode)",
                             what, p);
            return false;
        }
        if (strcmp(p, "/") == 0)
            break;
        char *slash = strrchr(p, '/');
        if (slash == p)
            p[1] = '\0';
        else
            *slash = '\0';
    }
    return true;
}

bool path_trusted(const char *path, const char *what, char **err)
{
    autofree char *named = xasprintf("%s %s", what, path);
    if (!check_chain(path, named, err))
        return false;
    autofree char *real = realpath(path, NULL);
    if (!real) {
        *err = xasprintf("cannot check %s: %s", path, strerror(errno));
        return false;
    }
    return check_chain(real, named, err);
}

enum lookup { FOUND, ABSENT, FAILED };

static enum lookup open_profile(const char *path, FILE **out, char **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return ABSENT;
        *err = xasprintf("cannot open profile %s: %s", path, strerror(errno));
        return FAILED;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !(*out = fdopen(fd, "r"))) {
        close(fd);
        *err = xasprintf("cannot read profile %s: not a regular file", path);
        return FAILED;
    }
    return FOUND;
}

static enum lookup load_file(struct profile *p, const char *name, const char *path, char **err)
{
    FILE *f = NULL;
    enum lookup found = open_profile(path, &f, err);
    if (found != FOUND)
        return found;
    autofclose FILE *file = f;
    if (!profile_load(p, file, path, err))
        return FAILED;
    p->name = xstrdup(name);
    p->path = xstrdup(path);
    return FOUND;
}

static enum lookup find_system(const struct profile_dirs *dirs, struct profile *p, const char *name, char **err)
{
    for (size_t i = 0; i < N_ELEMENTS(dirs->system); i++) {
        autofree char *path = xasprintf("%s/%s.profile", dirs->system[i], name);
        if (access(path, F_OK) != 0 && errno == ENOENT)
            continue;
        if (!path_trusted(path, "system profile", err))
            return FAILED;
        enum lookup found = load_file(p, name, path, err);
        if (found != ABSENT)
            return found;
    }
    return ABSENT;
}

char *user_home_dir(void)
{
    struct passwd *pw = getpwuid(getuid());
    if (!pw || !pw->pw_dir || pw->pw_dir[0] != '/')
        return NULL;
    return xstrdup(pw->pw_dir);
}

char *user_torgate_dir(void)
{
    autofree char *home = user_home_dir();
    return home ? xasprintf("%s/" USER_TORGATE_DIR, home) : NULL;
}

struct profile_dirs profile_dirs_installed(const char *user_dir)
{
    return (struct profile_dirs){{system_dirs[0], system_dirs[1]}, user_dir};
}

static char *user_profile_path(const struct profile_dirs *dirs, const char *name)
{
    return dirs->user ? xasprintf("%s/profiles/%s.profile", dirs->user, name) : NULL;
}

/* A directory the system profile keeps of its own stays so (without it the
 * app would share the user's, or another mode's, browser profile); the
 * user's profile may add more, as room allows after the system's. */
static void inherit_own_dirs(struct profile *user, const struct profile *system)
{
    struct own_dirs merged = system->own_dirs;
    for (size_t k = 0; k < user->own_dirs.count && merged.count < MAX_OWN_DIRS; k++) {
        bool known = false;
        for (size_t i = 0; i < merged.count && !known; i++)
            known = strcmp(merged.path[i], user->own_dirs.path[k]) == 0;
        if (!known)
            memcpy(merged.path[merged.count++], user->own_dirs.path[k], MAX_OWN_DIR);
    }
    user->own_dirs = merged;
}

/* The user's profile may stand in for the system one only if it narrows it. */
static bool apply_user_profile(const struct profile_dirs *dirs, struct profile *chosen, const char *name, char **err)
{
    struct profile user = {0};
    autofree char *path = user_profile_path(dirs, name);
    enum lookup found = path ? load_file(&user, name, path, err) : ABSENT;
    if (found != FOUND) {
        profile_clear(&user);
        return found == ABSENT;
    }
    autofree char *why = NULL;
    enum profile_key key;
    if (!profile_narrows(chosen, &user, &why, &key)) {
        *err = xasprintf("%s:%d: %s (%s); user profiles may only narrow what the system profile allows", user.path,
                         user.lines[key], why, chosen->path);
        profile_clear(&user);
        return false;
    }
    user.gated = chosen->gated;
    inherit_own_dirs(&user, chosen);
    profile_clear(chosen);
    *chosen = user;
    return true;
}

/* The system profile a name stands for: its own, or default for a name
 * only the user has; ABSENT if neither. */
static enum lookup find_base(const struct profile_dirs *dirs, struct profile *base, const char *n, bool named,
                             char **err)
{
    enum lookup found = find_system(dirs, base, n, err);
    if (found != ABSENT)
        return found;
    autofree char *user_path = user_profile_path(dirs, n);
    if (!(user_path && access(user_path, F_OK) == 0)) {
        if (named)
            *err = xasprintf("unknown profile '%s': no %s.profile in %s or %s (torgate --list-profiles shows them)",
                             n, n, dirs->system[0], dirs->system[1]);
        return named ? FAILED : ABSENT;
    }
    /* A user profile with no system profile of its name narrows default. */
    found = find_system(dirs, base, "default", err);
    if (found == ABSENT)
        *err = xasprintf("no default profile in %s or %s: reinstall torgate", dirs->system[0], dirs->system[1]);
    return found == FOUND ? FOUND : FAILED;
}

bool profile_resolve(const struct profile_dirs *dirs, struct profile *p, const char *name, const char *command,
                     char **err)
{
    autofree char *copy = command ? xstrdup(command) : NULL;
    const char *candidates[] = {name, name ? NULL : basename(copy), "default"};
    for (size_t i = 0; i < N_ELEMENTS(candidates); i++) {
        const char *n = candidates[i];
        if (!n)
            continue;
        if (!profile_name_valid(n)) {
            if (n == name) {
                *err = xasprintf("invalid profile name '%s': use letters, digits, '.', '_' and '-'", n);
                return false;
            }
            continue;
        }
        struct profile base = {0};
        enum lookup found = find_base(dirs, &base, n, n == name, err);
        if (found == ABSENT)
            continue;
        base.gated = base.mode == MODE_CLEARNET;
        if (found == FAILED || !apply_user_profile(dirs, &base, n, err)) {
            profile_clear(&base);
            return false;
        }
        free(base.name);
        base.name = xstrdup(n);
        *p = base;
        return true;
    }
    *err = xasprintf("no default profile in %s or %s: reinstall torgate", dirs->system[0], dirs->system[1]);
    return false;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the *.profile files in the system directories, sorted, once. */
static size_t system_profile_names(char ***names)
{
    size_t n = 0, cap = 0;
    char **list = NULL;
    for (size_t i = 0; i < N_ELEMENTS(system_dirs); i++) {
        DIR *dir = opendir(system_dirs[i]);
        struct dirent *e;
        while (dir && (e = readdir(dir))) {
            size_t len = strlen(e->d_name);
            if (len <= 8 || strcmp(e->d_name + len - 8, ".profile") != 0)
                continue;
            char *name = strndup(e->d_name, len - 8);
            if (!name)
                die("out of memory");
            bool seen = !profile_name_valid(name);
            for (size_t k = 0; k < n && !seen; k++)
                seen = strcmp(list[k], name) == 0;
            if (seen) {
                free(name);
                continue;
            }
            if (n == cap) {
                cap = cap ? 2 * cap : 32;
                char **grown = realloc(list, cap * sizeof *list);
                if (!grown)
                    die("out of memory");
                list = grown;
            }
            list[n++] = name;
        }
        if (dir)
            closedir(dir);
    }
    if (n)
        qsort(list, n, sizeof *list, compare_names);
    *names = list;
    return n;
}

bool profile_list(FILE *out, char **err)
{
    const struct profile_dirs dirs = profile_dirs_installed(NULL);
    char **names;
    size_t n = system_profile_names(&names);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        struct profile p = {0};
        if (ok && find_system(&dirs, &p, names[i], err) == FOUND)
            fprintf(out, "%-16s %-9s %s\n", names[i], net_mode_name(p.mode), p.path);
        else
            ok = false;
        profile_clear(&p);
        free(names[i]);
    }
    free(names);
    return ok;
}

void profile_clear(struct profile *p)
{
    free(p->name);
    free(p->path);
    p->name = p->path = NULL;
}
