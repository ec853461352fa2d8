/* Desktop entries (the freedesktop.org Desktop Entry Specification) made to
 * start their application through torgate, and back. Pure: text in, text
 * out; wrap.c reads and writes the files. */
#ifndef TORGATE_DESKTOP_ENTRY_H
#define TORGATE_DESKTOP_ENTRY_H

#include <stdbool.h>

/* The key a wrapped entry carries in [Desktop Entry]: the profile it runs. */
#define DESKTOP_ENTRY_MARK "X-Torgate-Profile"

struct wrap_request {
    const char *torgate; /* the absolute path of the installed binary */
    /* whether a system profile of that name exists */
    bool (*has_profile)(const char *name, void *ctx);
    void *ctx;
};

/* Wraps text (NUL-terminated): every Exec of [Desktop Entry] and of its
 * [Desktop Action NAME] groups becomes "TORGATE --profile P -- " followed
 * by what it was (field codes kept), DBusActivatable=true becomes false (a
 * launcher would otherwise start the app by D-Bus activation, outside
 * torgate: firejail#1574), and DESKTOP_ENTRY_MARK=P follows the
 * [Desktop Entry] line; every other byte stays. P is the basename of the
 * program of [Desktop Entry]'s Exec, as torgate chooses a profile for a
 * COMMAND. True with *out and *profile (malloc'd); false with *why when
 * the entry is not one to wrap (not an application, no Exec, no profile
 * for its program, already through torgate). */
bool desktop_entry_wrap(const char *text, const struct wrap_request *req, char **out, char **profile, char **why);

/* The profile a wrapped entry names (malloc'd), or NULL: not torgate's. */
char *desktop_entry_wrapped_profile(const char *text);

#endif
