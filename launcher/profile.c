/* Profile files: schema, and where the system ones live. */
#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>

#include "settings.h"
#include "util.h"

static const char *const profile_dirs[] = {
    TORGATE_SYSCONFDIR "/torgate/profiles", /* the administrator's overrides */
    TORGATE_DATADIR "/torgate/profiles",    /* shipped with torgate */
};

static bool parse_mode(const char *value, void *target, char **why)
{
    enum net_mode *mode = target;
    if (strcmp(value, "tor") == 0)
        *mode = MODE_TOR;
    else if (strcmp(value, "clearnet") == 0)
        *mode = MODE_CLEARNET;
    else {
        *why = xstrdup("expected tor or clearnet");
        return false;
    }
    return true;
}

static const struct setting profile_schema[] = {
    {"profile", "mode", parse_mode, offsetof(struct profile, mode)},
};

const char *net_mode_name(enum net_mode mode)
{
    return mode == MODE_CLEARNET ? "clearnet" : "tor";
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

bool profile_load(struct profile *p, FILE *file, const char *name, char **err)
{
    p->mode = MODE_TOR;
    return settings_load(file, name, profile_schema, N_ELEMENTS(profile_schema), p, err);
}

bool profile_load_string(struct profile *p, const char *text, const char *name, char **err)
{
    p->mode = MODE_TOR;
    return settings_load_string(text, name, profile_schema, N_ELEMENTS(profile_schema), p, err);
}

bool profile_find_optional(struct profile *p, const char *name)
{
    if (!profile_name_valid(name))
        return false;
    for (size_t i = 0; i < N_ELEMENTS(profile_dirs); i++) {
        autofree char *path = xasprintf("%s/%s.profile", profile_dirs[i], name);
        autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        if (fd < 0) {
            if (errno == ENOENT)
                continue;
            die_with_error("cannot open profile %s", path);
        }
        FILE *f = fdopen(fd, "r");
        if (!f)
            die_with_error("cannot read profile %s", path);
        steal_fd(&fd);
        autofclose FILE *file = f;
        autofree char *err = NULL;
        if (!profile_load(p, file, path, &err))
            die("%s", err);
        p->name = xstrdup(name);
        p->path = steal_pointer(&path);
        return true;
    }
    return false;
}

void profile_find(struct profile *p, const char *name)
{
    if (!profile_name_valid(name))
        die("invalid profile name '%s': use letters, digits, '.', '_' and '-'", name);
    if (!profile_find_optional(p, name))
        die("unknown profile '%s': no %s.profile in %s or %s (torgate --list-profiles shows them)", name,
            name, profile_dirs[0], profile_dirs[1]);
}

void profile_clear(struct profile *p)
{
    free(p->name);
    free(p->path);
    p->name = p->path = NULL;
}
