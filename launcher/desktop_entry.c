/* See desktop_entry.h. */
#include "desktop_entry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "util.h"

/* One line of the entry, without its newline; spaces around '=' ignored,
 * as the specification says. */
struct entry_line {
    const char *start;
    size_t len;
    bool group;             /* "[NAME]" */
    const char *key, *value; /* a "Key=Value" line */
    size_t key_len, value_len;
};

static void split_line(struct entry_line *l)
{
    l->group = l->len >= 2 && l->start[0] == '[' && l->start[l->len - 1] == ']';
    l->key = NULL;
    if (l->group || l->len == 0 || l->start[0] == '#')
        return;
    const char *eq = memchr(l->start, '=', l->len);
    if (!eq)
        return;
    size_t key_len = (size_t)(eq - l->start);
    while (key_len && l->start[key_len - 1] == ' ')
        key_len--;
    const char *value = eq + 1, *end = l->start + l->len;
    while (value < end && *value == ' ')
        value++;
    *l = (struct entry_line){l->start, l->len, false, l->start, value, key_len, (size_t)(end - value)};
}

static bool is_key(const struct entry_line *l, const char *key)
{
    return l->key && l->key_len == strlen(key) && memcmp(l->key, key, l->key_len) == 0;
}

static bool is_value(const struct entry_line *l, const char *value)
{
    return l->value_len == strlen(value) && memcmp(l->value, value, l->value_len) == 0;
}

/* Groups whose Exec starts the application: the entry, and its actions. */
static bool exec_group(const struct entry_line *l)
{
    static const char action[] = "[Desktop Action ";
    return (l->len == 15 && memcmp(l->start, "[Desktop Entry]", 15) == 0) ||
           (l->len > sizeof action - 1 && memcmp(l->start, action, sizeof action - 1) == 0);
}

/* Every line of text, split, as l; the last line may lack its '\n'. */
#define FOR_EACH_LINE(text, l)                                                                                         \
    for (struct entry_line l = {.start = (text)}; *l.start && (l.len = strcspn(l.start, "\n"), split_line(&l), 1);  \
         l.start += l.len + (l.start[l.len] == '\n'))

/* The program of an Exec value: its first word, quoted or not, as its
 * basename. NULL if the quoting is broken. */
static char *exec_program(const char *value, size_t len)
{
    char word[4096];
    size_t n = 0, i = 0;
    if (len && value[0] == '"') {
        for (i = 1; i < len && value[i] != '"'; i++) {
            if (value[i] == '\\' && i + 1 < len)
                i++;
            if (n + 1 < sizeof word)
                word[n++] = value[i];
        }
        if (i >= len)
            return NULL;
    } else {
        for (; i < len && value[i] != ' ' && value[i] != '\t'; i++)
            if (n + 1 < sizeof word)
                word[n++] = value[i];
    }
    word[n] = '\0';
    const char *slash = strrchr(word, '/');
    return xstrdup(slash ? slash + 1 : word);
}

struct entry_facts {
    bool in_entry, application, marked, exec;
    char *program;
};

static void learn(struct entry_facts *f, const struct entry_line *l)
{
    if (l->group) {
        f->in_entry = l->len == 15 && memcmp(l->start, "[Desktop Entry]", 15) == 0;
        return;
    }
    if (!f->in_entry || !l->key)
        return;
    if (is_key(l, "Type"))
        f->application = is_value(l, "Application");
    else if (is_key(l, DESKTOP_ENTRY_MARK))
        f->marked = true;
    else if (is_key(l, "Exec") && !f->exec) {
        f->exec = true;
        f->program = exec_program(l->value, l->value_len);
    }
}

/* False with *why = message; the program found is let go. */
static bool refuse(char **why, char *message, char *program)
{
    *why = message;
    free(program);
    return false;
}

bool desktop_entry_wrap(const char *text, const struct wrap_request *req, char **out, char **profile, char **why)
{
    struct entry_facts f = {0};
    FOR_EACH_LINE(text, l)
    learn(&f, &l);
    if (!f.application)
        return refuse(why, xstrdup("not an application (Type is not Application)"), f.program);
    if (f.marked)
        return refuse(why, xstrdup("already wrapped (" DESKTOP_ENTRY_MARK ")"), f.program);
    if (!f.exec)
        return refuse(why, xstrdup("no Exec to wrap"), NULL);
    if (!f.program)
        return refuse(why, xstrdup("its Exec has a quote that does not end"), NULL);
    if (strcmp(f.program, "torgate") == 0)
        return refuse(why, xstrdup("its program is already torgate"), f.program);
    if (!profile_name_valid(f.program) || !req->has_profile(f.program, req->ctx))
        return refuse(why, xasprintf("no torgate profile for its program, %s", f.program), f.program);

    char *buf = NULL;
    size_t size = 0;
    FILE *o = open_memstream(&buf, &size);
    if (!o)
        die_with_error("cannot wrap a desktop entry");
    bool execs = false;
    FOR_EACH_LINE(text, l)
    {
        if (l.group) {
            execs = exec_group(&l);
            fwrite(l.start, 1, l.len, o);
            if (l.len == 15 && memcmp(l.start, "[Desktop Entry]", 15) == 0)
                fprintf(o, "\n" DESKTOP_ENTRY_MARK "=%s", f.program);
        } else if (execs && is_key(&l, "Exec")) {
            fwrite(l.start, 1, (size_t)(l.value - l.start), o);
            fprintf(o, "%s --profile %s -- ", req->torgate, f.program);
            fwrite(l.value, 1, l.value_len, o);
        } else if (is_key(&l, "DBusActivatable") && is_value(&l, "true")) {
            fwrite(l.start, 1, (size_t)(l.value - l.start), o);
            fputs("false", o);
        } else {
            fwrite(l.start, 1, l.len, o);
        }
        if (l.start[l.len] == '\n')
            fputc('\n', o);
    }
    if (fclose(o) != 0)
        die_with_error("cannot wrap a desktop entry");
    *out = buf;
    *profile = f.program;
    return true;
}

char *desktop_entry_wrapped_profile(const char *text)
{
    bool in_entry = false;
    FOR_EACH_LINE(text, l)
    {
        if (l.group)
            in_entry = l.len == 15 && memcmp(l.start, "[Desktop Entry]", 15) == 0;
        else if (in_entry && is_key(&l, DESKTOP_ENTRY_MARK))
            return xasprintf("%.*s", (int)l.value_len, l.value);
    }
    return NULL;
}
