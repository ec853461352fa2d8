/* See view.h. */
#include "view.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "text.h"
#include "util.h"

/* "name:" at the start of an nsswitch.conf line. */
static bool database_line(const char *line, const char *name)
{
    size_t n = strlen(name);
    return strncmp(line, name, n) == 0 && line[n] == ':';
}

char *view_nsswitch(bool files_passwd)
{
    struct text t;
    text_open(&t);
    text_puts(&t, "# torgate: names are resolved from /etc/hosts and DNS only\n");
    autofclose FILE *host = fopen("/etc/nsswitch.conf", "re");
    char line[1024];
    bool hosts_done = false, passwd_done = !files_passwd;
    while (host && fgets(line, sizeof line, host)) {
        if (database_line(line, "hosts")) {
            if (!hosts_done)
                text_puts(&t, "hosts: files dns\n");
            hosts_done = true;
        } else if (files_passwd && database_line(line, "passwd")) {
            if (!passwd_done)
                text_puts(&t, "passwd: files\n");
            passwd_done = true;
        } else
            text_puts(&t, line);
    }
    if (!hosts_done)
        text_puts(&t, "hosts: files dns\n");
    if (!passwd_done)
        text_puts(&t, "passwd: files\n");
    return text_close(&t);
}

char *view_hostname(const char *name) { return xasprintf("%s\n", name); }

char *view_hosts(const char *name)
{
    /* Programs that resolve their own name still can: to loopback. */
    return xasprintf("# torgate: a generic machine\n127.0.0.1\tlocalhost\n127.0.1.1\t%s\n", name);
}

char *view_machine_id(void)
{
    unsigned char id[16];
    if (getrandom(id, sizeof id, 0) != (ssize_t)sizeof id)
        die_with_error("cannot make a machine-id for the sandbox");
    char hex[2 * sizeof id + 2];
    for (size_t i = 0; i < sizeof id; i++)
        snprintf(hex + 2 * i, 3, "%02x", id[i]);
    return xasprintf("%s\n", hex);
}

/* One passwd(5) line, its fifth field (GECOS) emptied. */
static void put_without_gecos(struct text *t, const char *line)
{
    const char *p = line;
    for (int field = 0; field < 4 && p; field++)
        p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL;
    const char *gecos_end = p ? strchr(p, ':') : NULL;
    if (!gecos_end) {
        text_puts(t, line); /* not a passwd line: as it is */
        return;
    }
    text_printf(t, "%.*s%s", (int)(p - line), line, gecos_end);
}

char *view_passwd(void)
{
    struct text t;
    text_open(&t);
    struct passwd *me = getpwuid(getuid());
    autofree char *prefix = me ? xasprintf("%s:", me->pw_name) : NULL;
    bool listed = false;
    autofclose FILE *host = fopen("/etc/passwd", "re");
    char line[4096];
    while (host && fgets(line, sizeof line, host)) {
        listed = listed || (prefix && strncmp(line, prefix, strlen(prefix)) == 0);
        put_without_gecos(&t, line);
    }
    if (me && !listed)
        text_printf(&t, "%s:x:%u:%u::%s:%s\n", me->pw_name, (unsigned)me->pw_uid, (unsigned)me->pw_gid, me->pw_dir,
                    me->pw_shell ? me->pw_shell : "/bin/sh");
    return text_close(&t);
}
