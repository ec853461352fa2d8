/* What of the user's desktop session reaches a sandbox: the display
 * servers' sockets the profile names, and the buses through a filtering
 * proxy (dbus_proxy.h). Everything else of /run, /tmp and the runtime
 * directory is the sandbox's own (mounts.c): no socket of a host daemon
 * there is reachable. */
#ifndef TORGATE_DESKTOP_H
#define TORGATE_DESKTOP_H

#include <limits.h>
#include <stdbool.h>

#include "bus.h"

struct profile;

/* Where the caller's session keeps them, from its environment and the
 * file system, before any decision. */
struct desktop_caller {
    const char *display;         /* DISPLAY */
    const char *wayland_display; /* WAYLAND_DISPLAY */
    const char *runtime_dir;     /* XDG_RUNTIME_DIR */
    const char *xauthority;      /* XAUTHORITY */
    const char *bus[BUSES];      /* the buses' addresses, NULL where the session has none */
    const char *sound;           /* the session's PulseAudio (or PipeWire) socket, NULL if none */
    const char *session_bus;     /* where to ask for the accessibility bus; NULL if none or not needed */
    const char *a11y_bus;        /* the accessibility bus (a11y.h), NULL if none or not asked for */
};

/* The plan's decisions. Host paths, opened as the user in the sandbox. */
struct desktop_plan {
    char runtime_dir[32];             /* the sandbox's own, /run/user/UID */
    char x11_socket[32];              /* /tmp/.X11-unix/XN; "" none */
    char wayland_socket[PATH_MAX];    /* "" none */
    char wayland_name[NAME_MAX + 1];  /* its name in the runtime directory */
    char xauthority[PATH_MAX];        /* bound read-only as RUNTIME/Xauthority; "" none */
    const char *bus[BUSES];           /* the proxy's upstream; NULL: the sandbox has no such bus */
    const char *a11y_bus;             /* the proxy's upstream; NULL: no accessibility */
    bool proxy;                       /* some bus goes through the proxy */
    char sound[PATH_MAX];             /* the session's sound server's socket, for the tunnel; "" none */
    bool helpers;                     /* the proxy or the sound server: their tmpfs */
};

/* The sandbox's own sound server (sound.c): PulseAudio's daemon. */
#ifndef PULSEAUDIO
#define PULSEAUDIO "/usr/bin/pulseaudio"
#endif

/* Inside the sandbox, where the helpers' tmpfs is attached (helpers.h) and
 * the paths clients look for lead to it. */
#define HELPERS_DIR "/run/torgate"
#define BUS_SOCKET_SESSION HELPERS_DIR "/session"
#define BUS_SOCKET_SYSTEM HELPERS_DIR "/system"
#define SOUND_SOCKET HELPERS_DIR "/pulse"
#define A11Y_SOCKET HELPERS_DIR "/a11y"
#define SYSTEM_BUS_PATH "/run/dbus/system_bus_socket"

/* The caller's session bus: DBUS_SESSION_BUS_ADDRESS, or systemd's place
 * for it (/run/user/UID/bus); NULL if none. Not checked (bus_address_local). */
const char *desktop_session_bus(void);

/* The caller's session, as its environment and the file system say. Dies
 * with one line if a bus or sound server the profile asks for is not a
 * local one (tcp: would carry the sandbox's messages over the network). */
void desktop_from_caller(struct desktop_caller *caller, const struct profile *p);

/* Pure. */
void desktop_plan_build(struct desktop_plan *d, const struct profile *p, const struct desktop_caller *caller,
                        unsigned uid);

/* In the sandbox, on COMMAND's environment: XDG_RUNTIME_DIR, the display
 * variables of the servers it reaches (the others unset), the buses'
 * addresses (unset where it has none), and the accessibility bus's through
 * its filter (NO_AT_BRIDGE=1 where the profile has none). */
void desktop_environment(const struct desktop_plan *d);

#endif
