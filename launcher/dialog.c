/* See dialog.h. */
#include "dialog.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <pwd.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "environment.h"
#include "helpers.h"
#include "util.h"

#ifndef ZENITY
#define ZENITY "/usr/bin/zenity"
#endif

static char *failure_title;

/* What zenity needs of the user's session to reach their display: the
 * user's own, and zenity runs as the user with nothing more. */
static const char *const session_vars[] = {"DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "XDG_RUNTIME_DIR",
                                           "DBUS_SESSION_BUS_ADDRESS", "LANG", "LC_ALL", "LC_MESSAGES"};

__attribute__((noreturn)) static void exec_zenity(pid_t launcher, char **argv)
{
    helper_tie(launcher);
    helper_unprivileged(ZENITY);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
        dup2(null, STDERR_FILENO) < 0 || syscall(SYS_close_range, 3, ~0U, 0) != 0)
        _exit(EXIT_TORGATE);
    char *envp[N_ELEMENTS(session_vars) + 3];
    size_t n = 0;
    for (size_t i = 0; i < N_ELEMENTS(session_vars); i++) {
        const char *v = environment_caller_get(session_vars[i]);
        if (v)
            envp[n++] = xasprintf("%s=%s", session_vars[i], v);
    }
    struct passwd *pw = getpwuid(getuid());
    envp[n++] = xasprintf("HOME=%s", pw && pw->pw_dir ? pw->pw_dir : "/");
    envp[n++] = xstrdup("PATH=/usr/bin:/bin");
    envp[n] = NULL;
    execve(ZENITY, argv, envp);
    _exit(EXIT_TORGATE);
}

/* zenity's exit status (0: the first button), or -1 if it could not run. */
static int run_zenity(char **argv)
{
    if (access(ZENITY, X_OK) != 0 ||
        (!environment_caller_get("DISPLAY") && !environment_caller_get("WAYLAND_DISPLAY")))
        return -1;
    fflush(stderr);
    pid_t launcher = getpid(), pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        exec_zenity(launcher, argv);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) == EXIT_TORGATE)
        return -1;
    return WEXITSTATUS(status);
}

bool dialog_ask(const char *title, const char *text, const char *ok_label)
{
    autofree char *t = xasprintf("--title=%s", title), *x = xasprintf("--text=%s", text),
                  *ok = xasprintf("--ok-label=%s", ok_label);
    char *argv[] = {"zenity", "--question", "--no-markup", "--icon-name=dialog-warning", "--width=460",
                    "--default-cancel", "--cancel-label=Cancel", ok, t, x, NULL};
    int answer = run_zenity(argv);
    if (answer < 0)
        die("cannot ask for confirmation: no dialog could be shown (zenity, and the user's display)");
    return answer == 0;
}

static void failure_dialog(const char *message)
{
    autofree char *t = xasprintf("--title=%s", failure_title), *x = xasprintf("--text=%s", message);
    char *argv[] = {"zenity", "--error", "--no-markup", "--width=460", t, x, NULL};
    (void)run_zenity(argv);
}

void dialog_failures(const char *title)
{
    free(failure_title);
    failure_title = xstrdup(title);
    die_also(failure_dialog);
}
