/* Table-driven INI files (libinih): one schema per kind of file, so that
 * torgate.conf and profiles share one parser and one set of error messages. */
#ifndef TORGATE_SETTINGS_H
#define TORGATE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Parses value into the field at target; on failure returns false and sets
 * *why to a malloc'd phrase such as "expected ADDR:PORT". */
typedef bool (*setting_parser)(const char *value, void *target, char **why);

struct setting {
    const char *section;
    const char *key;
    setting_parser parse;
    size_t offset; /* of the field in the struct being filled */
};

/* Reads an INI stream against a schema. Unknown sections or keys, duplicates
 * and bad values are errors: returns false with *err = "NAME:LINE: what".
 * lines[i] gets the line schema[i] was set on (0: not set), so that checks
 * across keys can name a line too. */
bool settings_load(FILE *file, const char *name, const struct setting *schema, size_t n_settings,
                   void *target, int *lines, char **err);

/* Same, from a string (unit tests, fuzzing). */
bool settings_load_string(const char *text, const char *name, const struct setting *schema,
                          size_t n_settings, void *target, int *lines, char **err);

/* A list value: item() is called for each comma-separated item, with the
 * spaces and tabs around it trimmed (so "" has no item, and "a,,b" an empty
 * one). Stops at the first item() that returns false, which sets *why. */
typedef bool (*setting_item)(const char *item, size_t len, void *ctx, char **why);
bool settings_each_item(const char *value, setting_item item, void *ctx, char **why);

#endif
