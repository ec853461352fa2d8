/* See desktop.h. */
#include "desktop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "environment.h"
#include "profile.h"
#include "util.h"

static const char *const system_bus_default = "unix:path=" SYSTEM_BUS_PATH;

const char *desktop_session_bus(void)
{
    const char *env = environment_caller_get("DBUS_SESSION_BUS_ADDRESS");
    if (env && *env)
        return env;
    static char fallback[64];
    snprintf(fallback, sizeof fallback, "/run/user/%u/bus", (unsigned)getuid());
    if (access(fallback, F_OK) != 0)
        return NULL;
    snprintf(fallback, sizeof fallback, "unix:path=/run/user/%u/bus", (unsigned)getuid());
    return fallback;
}

/* PULSE_SERVER (unix:PATH or PATH), or the runtime directory's
 * pulse/native, where PulseAudio and pipewire-pulse listen. */
static const char *sound_server(const struct profile *p, const char *runtime_dir)
{
    const char *env = environment_caller_get("PULSE_SERVER");
    if (env && *env) {
        const char *path = strncmp(env, "unix:", 5) == 0 ? env + 5 : env;
        if (path[0] != '/' || strpbrk(path, " \t'\"\\"))
            die("the sound server PULSE_SERVER=%s is not one local socket (unix:/PATH): torgate will not carry the "
                "sandbox's sound elsewhere; unset it or use profile '%s' without sound",
                env, p->name);
        return path;
    }
    static char fallback[PATH_MAX];
    if (runtime_dir && runtime_dir[0] == '/')
        snprintf(fallback, sizeof fallback, "%s/pulse/native", runtime_dir);
    else
        snprintf(fallback, sizeof fallback, "/run/user/%u/pulse/native", (unsigned)getuid());
    return access(fallback, F_OK) == 0 ? fallback : NULL;
}

void desktop_from_caller(struct desktop_caller *c, const struct profile *p)
{
    *c = (struct desktop_caller){
        .display = environment_caller_get("DISPLAY"),
        .wayland_display = environment_caller_get("WAYLAND_DISPLAY"),
        .runtime_dir = environment_caller_get("XDG_RUNTIME_DIR"),
        .xauthority = environment_caller_get("XAUTHORITY"),
    };
    /* The system bus is the system's: the caller's DBUS_SYSTEM_BUS_ADDRESS
     * is not asked. */
    if (p->buses[BUS_SESSION].filtered)
        c->bus[BUS_SESSION] = desktop_session_bus();
    if (p->buses[BUS_SYSTEM].filtered && access(SYSTEM_BUS_PATH, F_OK) == 0)
        c->bus[BUS_SYSTEM] = system_bus_default;
    if (p->sound)
        c->sound = sound_server(p, c->runtime_dir);
    /* where to ask for the accessibility bus (main.c, a11y.c) */
    if (p->accessibility) {
        c->session_bus = c->bus[BUS_SESSION] ? c->bus[BUS_SESSION] : desktop_session_bus();
        if (c->session_bus && !bus_address_local(c->session_bus))
            c->session_bus = NULL; /* asked nothing; refused below if the profile filters it */
    }
    /* Less than the profile allows, never more: without PulseAudio's daemon
     * (a PipeWire desktop may not have it), no sound. */
    if (c->sound && access(PULSEAUDIO, X_OK) != 0) {
        warn("no sound in the sandbox: " PULSEAUDIO " is not installed (the pulseaudio package)");
        c->sound = NULL;
    }
    if (c->bus[BUS_SESSION] && !bus_address_local(c->bus[BUS_SESSION]))
        die("the session bus DBUS_SESSION_BUS_ADDRESS=%s is not one local address (unix:path= or unix:abstract=): "
            "torgate will not carry the sandbox's bus messages elsewhere; unset it or use profile '%s' without "
            "session-bus",
            c->bus[BUS_SESSION], p->name);
}

/* ":N", ":N.S", "unix:N" or "unix:N.S": the local X server N, whose socket
 * is /tmp/.X11-unix/XN. Any other DISPLAY names no socket of this machine. */
static bool x11_socket(const char *display, char *out, size_t size)
{
    if (!display)
        return false;
    if (strncmp(display, "unix", 4) == 0)
        display += 4;
    if (display[0] != ':')
        return false;
    size_t digits = strspn(display + 1, "0123456789");
    char end = display[1 + digits];
    if (digits == 0 || digits > 6 || (end != '\0' && end != '.'))
        return false;
    snprintf(out, size, "/tmp/.X11-unix/X%.*s", (int)digits, display + 1);
    return true;
}

/* WAYLAND_DISPLAY: a name in the caller's runtime directory, or an
 * absolute path. Unset, the caller is no Wayland client (libwayland would
 * try wayland-0): nor is the sandbox. */
static void wayland_socket(struct desktop_plan *d, const struct desktop_caller *c, unsigned uid)
{
    const char *name = c->wayland_display;
    if (!name || !*name)
        return;
    const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
    if ((name[0] != '/' && strchr(name, '/')) || !*base || strlen(base) > NAME_MAX || strcmp(base, ".") == 0 ||
        strcmp(base, "..") == 0)
        return;
    int n = name[0] == '/' ? snprintf(d->wayland_socket, sizeof d->wayland_socket, "%s", name)
            : c->runtime_dir && c->runtime_dir[0] == '/'
                ? snprintf(d->wayland_socket, sizeof d->wayland_socket, "%s/%s", c->runtime_dir, name)
                : snprintf(d->wayland_socket, sizeof d->wayland_socket, "/run/user/%u/%s", uid, name);
    if (n < 0 || (size_t)n >= sizeof d->wayland_socket) {
        d->wayland_socket[0] = '\0';
        return;
    }
    snprintf(d->wayland_name, sizeof d->wayland_name, "%s", base);
}

void desktop_plan_build(struct desktop_plan *d, const struct profile *p, const struct desktop_caller *c,
                        unsigned uid)
{
    memset(d, 0, sizeof *d);
    snprintf(d->runtime_dir, sizeof d->runtime_dir, "/run/user/%u", uid);
    if (!c)
        return;
    if ((p->display & DISPLAY_X11) && x11_socket(c->display, d->x11_socket, sizeof d->x11_socket) &&
        c->xauthority && c->xauthority[0] == '/' && strlen(c->xauthority) < sizeof d->xauthority)
        snprintf(d->xauthority, sizeof d->xauthority, "%s", c->xauthority);
    if (p->display & DISPLAY_WAYLAND)
        wayland_socket(d, c, uid);
    for (int b = 0; b < BUSES; b++) {
        d->bus[b] = p->buses[b].filtered ? c->bus[b] : NULL;
        d->proxy |= d->bus[b] != NULL;
    }
    d->a11y_bus = p->accessibility ? c->a11y_bus : NULL;
    d->proxy |= d->a11y_bus != NULL;
    if (p->sound && c->sound && strlen(c->sound) < sizeof d->sound)
        snprintf(d->sound, sizeof d->sound, "%s", c->sound);
    d->helpers = d->proxy || d->sound[0];
}

static void set(const char *name, const char *value)
{
    if (setenv(name, value, 1) != 0)
        die_with_error("cannot set %s", name);
}

/* Variables that lead to what the sandbox does not reach: left, they only
 * make clients wait or complain. */
static const char *const unreachable[] = {
    "SESSION_MANAGER", /* XSMP, over ICE sockets in /tmp */
};

void desktop_environment(const struct desktop_plan *d)
{
    set("XDG_RUNTIME_DIR", d->runtime_dir);
    if (!d->x11_socket[0]) {
        unsetenv("DISPLAY");
        unsetenv("XAUTHORITY");
    } else if (d->xauthority[0]) {
        autofree char *xauthority = xasprintf("%s/Xauthority", d->runtime_dir);
        set("XAUTHORITY", xauthority);
    }
    if (d->wayland_socket[0])
        set("WAYLAND_DISPLAY", d->wayland_name);
    else
        unsetenv("WAYLAND_DISPLAY");
    if (d->bus[BUS_SESSION])
        set("DBUS_SESSION_BUS_ADDRESS", "unix:path=" BUS_SOCKET_SESSION);
    else
        unsetenv("DBUS_SESSION_BUS_ADDRESS");
    if (d->bus[BUS_SYSTEM])
        set("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" BUS_SOCKET_SYSTEM);
    else
        unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
    if (d->sound[0])
        set("PULSE_SERVER", "unix:" SOUND_SOCKET);
    else
        unsetenv("PULSE_SERVER");
    for (size_t i = 0; i < N_ELEMENTS(unreachable); i++)
        unsetenv(unreachable[i]);
    /* Unfiltered, the accessibility bus drives every other application. */
    if (d->a11y_bus) {
        set("AT_SPI_BUS_ADDRESS", "unix:path=" A11Y_SOCKET);
        unsetenv("NO_AT_BRIDGE");
    } else {
        unsetenv("AT_SPI_BUS_ADDRESS");
        set("NO_AT_BRIDGE", "1");
    }
    /* IBus's own bus is an abstract socket in the host's network namespace:
     * its clients reach it, if at all, through its portal on the session
     * bus (org.freedesktop.portal.IBus, where a profile names it). */
    set("IBUS_USE_PORTAL", "1");
}
