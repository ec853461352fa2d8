/* See session.h: the list, as data, each entry with what runs it. */
#include "session.h"

#include <string.h>

#include "settings.h"
#include "util.h"

static const struct {
    const char *path;
    bool directory;
    const char *why;
} builtin[] = {
    {".profile", false, "login shells (sh, bash without .bash_profile), and display managers"},
    {".bash_profile", false, "bash login shells"},
    {".bash_login", false, "bash login shells"},
    {".bash_logout", false, "bash login shells, on logout"},
    {".bashrc", false, "every interactive bash"},
    {".zshenv", false, "every zsh"},
    {".zprofile", false, "zsh login shells"},
    {".zshrc", false, "every interactive zsh"},
    {".zlogin", false, "zsh login shells"},
    {".xprofile", false, "X sessions (display managers)"},
    {".xsession", false, "X sessions"},
    {".xsessionrc", false, "X sessions (Debian's Xsession)"},
    {".xinitrc", false, "startx"},
    {".pam_environment", false, "pam_env, at every login"},
    {".ssh/rc", false, "sshd, at every ssh login"},
    {".ssh/authorized_keys", false, "who may log in by ssh"},
    {".config/autostart", true, "the desktop's autostart (XDG)"},
    {".config/systemd", true, "systemd --user units and generators"},
    {".config/environment.d", true, "systemd --user's environment"},
    {".config/fish", true, "every fish"},
    {".local/share/applications", true, "the user's .desktop files (menus, MIME handlers)"},
    {".local/share/systemd", true, "systemd --user's timers' state and user units"},
    {".local/bin", true, "on PATH at the next login (Debian's ~/.profile)"},
    {"bin", true, "on PATH at the next login (Debian's ~/.profile)"},
};

static void add(struct startup_list *list, const char *path, size_t len, bool directory)
{
    if (list->count == MAX_STARTUP_FILES || len == 0 || len >= MAX_STARTUP_PATH)
        return;
    struct startup_file *f = &list->files[list->count++];
    memcpy(f->path, path, len);
    f->path[len] = '\0';
    f->directory = directory;
}

/* An administrator's path, already checked: a trailing / for a directory. */
static bool add_extra(const char *item, size_t len, void *ctx, char **why)
{
    (void)why;
    bool directory = len && item[len - 1] == '/';
    add(ctx, item, directory ? len - 1 : len, directory);
    return true;
}

void startup_list_build(struct startup_list *list, const char *extra)
{
    list->count = 0;
    for (size_t i = 0; i < N_ELEMENTS(builtin); i++)
        add(list, builtin[i].path, strlen(builtin[i].path), builtin[i].directory);
    char *unused = NULL;
    if (extra)
        settings_each_item(extra, add_extra, list, &unused);
}

bool home_path_valid(const char *item, size_t len)
{
    if (len == 0 || len >= MAX_STARTUP_PATH - 1 || item[0] == '/')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = item[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || c == '/'))
            return false;
        /* no ".." component: nothing outside the home */
        bool at_start = i == 0 || item[i - 1] == '/';
        if (at_start && c == '.' && i + 1 < len && item[i + 1] == '.' && (i + 2 == len || item[i + 2] == '/'))
            return false;
    }
    return true;
}

static bool count_path(const char *item, size_t len, void *ctx, char **why)
{
    if (!home_path_valid(item, len)) {
        *why = xasprintf("'%.*s' is not a path inside the home directory (such as .config/openbox/autostart)",
                         (int)len, item);
        return false;
    }
    ++*(size_t *)ctx;
    return true;
}

bool parse_startup_paths(const char *value, void *target, char **why)
{
    char **out = target;
    size_t items = 0;
    if (!settings_each_item(value, count_path, &items, why))
        return false;
    if (items + N_ELEMENTS(builtin) > MAX_STARTUP_FILES) {
        *why = xasprintf("at most %zu paths", MAX_STARTUP_FILES - N_ELEMENTS(builtin));
        return false;
    }
    free(*out);
    *out = xstrdup(value);
    return true;
}
