/* Writes to /proc/sys; /proc/sys/net follows the writer's network namespace. */
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "util.h"

static bool try_write(const char *key, const char *value)
{
    autofree char *path = xasprintf("/proc/sys/%s", key);
    autoclose int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    return write_all(fd, value, strlen(value));
}

void sysctl_write(const char *key, const char *value)
{
    if (!try_write(key, value))
        die_with_error("cannot set %s to %s", key, value);
}

void sysctl_write_optional(const char *key, const char *value)
{
    if (!try_write(key, value) && errno != ENOENT)
        die_with_error("cannot set %s to %s", key, value);
}
