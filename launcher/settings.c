/* One INI reader for every file torgate reads, built on libinih. */
#include "settings.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "util.h"

struct load_state {
    const struct setting *schema;
    size_t n_settings;
    void *target;
    int *lines;   /* line of each setting, 0 if absent */
    int line;     /* the line inih is on, counted by the readers below */
    FILE *file;   /* stream being read, or */
    const char *text; /* string being read */
    char *why; /* first error's text; its line comes from inih's return value */
};

static const struct setting *find_setting(const struct load_state *st, const char *section,
                                          const char *key, size_t *index)
{
    for (size_t i = 0; i < st->n_settings; i++) {
        if (strcmp(st->schema[i].section, section) == 0 && strcmp(st->schema[i].key, key) == 0) {
            *index = i;
            return &st->schema[i];
        }
    }
    return NULL;
}

static bool section_known(const struct load_state *st, const char *section)
{
    for (size_t i = 0; i < st->n_settings; i++)
        if (strcmp(st->schema[i].section, section) == 0)
            return true;
    return false;
}

static int on_setting(void *user, const char *section, const char *key, const char *value)
{
    struct load_state *st = user;
    size_t index;

    if (st->why) /* keep the first error only */
        return 0;
    if (!section_known(st, section)) {
        st->why = section[0] ? xasprintf("unknown section [%s]", section)
                             : xasprintf("'%s' must be inside a [section]", key);
        return 0;
    }
    const struct setting *s = find_setting(st, section, key, &index);
    if (!s) {
        st->why = xasprintf("unknown key '%s' in [%s]", key, section);
        return 0;
    }
    if (st->lines[index]) {
        st->why = xasprintf("duplicate key '%s' in [%s] (first set on line %d)", key, section, st->lines[index]);
        return 0;
    }
    st->lines[index] = st->line;
    char *why = NULL;
    if (!s->parse(value, (char *)st->target + s->offset, &why)) {
        st->why = xasprintf("bad value '%s' for %s: %s", value, key, why ? why : "invalid");
        free(why);
        return 0;
    }
    return 1;
}

/* A line longer than inih's buffer would be cut in two and its tail read as
 * a line of its own (a comment could then hide a setting): it becomes a
 * line inih rejects, with the reason kept for the error. */
static char *too_long(struct load_state *st, char *buf)
{
    if (!st->why)
        st->why = xasprintf("line too long (at most %d characters)", ini_max_line - 3);
    strcpy(buf, "[");
    return buf;
}

/* inih's readers, counting lines so that checks across keys can name one. */
static char *read_file_line(char *buf, int size, void *stream)
{
    struct load_state *st = stream;
    char *line = fgets(buf, size, st->file);
    if (!line)
        return NULL;
    st->line++;
    size_t len = strlen(line);
    if (len == (size_t)size - 1 && line[len - 1] != '\n' && !feof(st->file)) {
        int c;
        while ((c = fgetc(st->file)) != EOF && c != '\n')
            ;
        return too_long(st, buf);
    }
    return line;
}

static char *read_string_line(char *buf, int size, void *stream)
{
    struct load_state *st = stream;
    if (!*st->text || size < 2)
        return NULL;
    size_t n = strcspn(st->text, "\n");
    st->line++;
    if (n > (size_t)size - 2) {
        st->text += n + (st->text[n] == '\n');
        return too_long(st, buf);
    }
    if (st->text[n] == '\n')
        n++;
    memcpy(buf, st->text, n);
    buf[n] = '\0';
    st->text += n;
    return buf;
}

static bool load(struct load_state *st, ini_reader reader, const char *name, char **err)
{
    /* Debian's libinih exposes its options at run time: be strict. */
    ini_stop_on_first_error = true;
    ini_allow_multiline = false;
    ini_allow_no_value = false;
    int rc = ini_parse_stream(reader, st, on_setting, st);
    if (rc == 0)
        return true;
    if (rc == -2)
        *err = xasprintf("%s: out of memory", name);
    else
        *err = xasprintf("%s:%d: %s", name, rc, st->why ? st->why : "syntax error (expected [section] or key = value)");
    free(st->why);
    return false;
}

bool settings_load(FILE *file, const char *name, const struct setting *schema, size_t n_settings,
                   void *target, int *lines, char **err)
{
    struct load_state st = {schema, n_settings, target, lines, 0, file, NULL, NULL};
    memset(lines, 0, n_settings * sizeof *lines);
    return load(&st, read_file_line, name, err);
}

bool settings_load_string(const char *text, const char *name, const struct setting *schema,
                          size_t n_settings, void *target, int *lines, char **err)
{
    struct load_state st = {schema, n_settings, target, lines, 0, NULL, text, NULL};
    memset(lines, 0, n_settings * sizeof *lines);
    return load(&st, read_string_line, name, err);
}

bool settings_each_item(const char *value, setting_item item, void *ctx, char **why)
{
    for (const char *p = value; *p;) {
        p += strspn(p, " \t");
        size_t n = strcspn(p, ","), len = n;
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (!item(p, len, ctx, why))
            return false;
        p += n + (p[n] == ',');
    }
    return true;
}
