/* Sound: a PulseAudio of the sandbox's own, whose one sink is a tunnel to
 * the session's sound server (PulseAudio or pipewire-pulse). The app talks
 * to it alone, and it loads no module after it started: the session's
 * server can load modules for any client (module-tunnel-sink to an
 * address, module-rtp-send, RAOP), which would open connections outside
 * every sandbox; this one can be made to do nothing but play. Its
 * configuration is its own, in the helpers' tmpfs: the user's
 * ~/.config/pulse is writable by sandboxes, and a daemon.conf there could
 * name modules to load from anywhere. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "util.h"

#define SOUND_HOME ".pulse-home"
#define SOUND_READY_MS 10000

static char **sound_argv(const struct plan *plan)
{
    autofree char *listen = helper_path("pulse");
    char **argv = xcalloc(32, sizeof *argv);
    size_t n = 0;
    static const char *const fixed[] = {
        PULSEAUDIO, "-n", "--daemonize=no", "--use-pid-file=no", "--system=no", "--disallow-module-loading",
        "--disallow-exit", "--exit-idle-time=-1", "--high-priority=no", "--realtime=no", "--log-target=stderr",
        "--log-level=error",
    };
    for (size_t i = 0; i < N_ELEMENTS(fixed); i++)
        argv[n++] = xstrdup(fixed[i]);
    argv[n++] = xstrdup("-L");
    argv[n++] = xasprintf("module-native-protocol-unix socket=%s auth-anonymous=1", listen);
    argv[n++] = xstrdup("-L");
    argv[n++] = xasprintf("module-tunnel-sink server=unix:%s sink_name=session", plan->desktop.sound);
    return argv;
}

/* Its home, configuration, state and runtime directory: in the tmpfs. */
static char **sound_envp(void)
{
    autofree char *home = helper_path(SOUND_HOME);
    static const char *const names[] = {"HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "PULSE_STATE_PATH",
                                        "PULSE_RUNTIME_PATH"};
    char **envp = xcalloc(N_ELEMENTS(names) + 2, sizeof *envp);
    for (size_t i = 0; i < N_ELEMENTS(names); i++)
        envp[i] = xasprintf("%s=%s", names[i], home);
    /* It closes every descriptor at start but this one. */
    envp[N_ELEMENTS(names)] = xasprintf("PULSE_PASSED_FD=%d", HELPER_DIR_FD);
    return envp;
}

pid_t sound_spawn(const struct plan *plan, int mount_fd)
{
    if (mkdirat(mount_fd, SOUND_HOME, 0700) != 0)
        die_with_error("cannot make a home for the sandbox's sound server");
    return helper_spawn(plan, PULSEAUDIO, sound_argv(plan), sound_envp(), -1, mount_fd);
}

/* inotify takes a path: the tmpfs is named "." for the moment (the
 * launcher is not dumpable, so /proc/self/fd is not its own to walk). */
static int watch_creations(int dir_fd)
{
    autoclose int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    int watch = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    bool ok = here >= 0 && watch >= 0 && fchdir(dir_fd) == 0;
    ok = ok && inotify_add_watch(watch, ".", IN_CREATE) >= 0;
    if (here >= 0 && fchdir(here) != 0)
        die_with_error("cannot return to the launcher's working directory");
    if (!ok)
        die_with_error("cannot wait for the sandbox's sound server");
    return watch;
}

/* Until its socket is there (inotify), it exits, or the deadline passes. */
void sound_wait_ready(pid_t pid, int mount_fd)
{
    autoclose int watch = watch_creations(mount_fd);
    for (int waited = 0;; waited += 100) {
        if (faccessat(mount_fd, "pulse", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
            return;
        if (waitpid(pid, NULL, WNOHANG) == pid)
            die("the sandbox's sound server (" PULSEAUDIO ") exited: the command is not run without it (is the "
                "pulseaudio package installed, and the session's sound server running?)");
        if (waited >= SOUND_READY_MS)
            die("the sandbox's sound server (" PULSEAUDIO ") did not start within %d s", SOUND_READY_MS / 1000);
        struct pollfd p = {.fd = watch, .events = POLLIN};
        if (poll(&p, 1, 100) < 0 && errno != EINTR)
            die_with_error("cannot wait for the sandbox's sound server");
        char drain[4096];
        while (read(watch, drain, sizeof drain) > 0)
            ;
    }
}
