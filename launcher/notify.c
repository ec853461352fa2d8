/* See notify.h. */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "desktop.h"
#include "helpers.h"
#include "util.h"

#ifndef NOTIFY_SEND
#define NOTIFY_SEND "/usr/bin/notify-send"
#endif

/* notify-send returns once the daemon has the notification; a launcher
 * that exits first would take it down with it (PDEATHSIG). */
#define NOTIFY_WAIT_MS 5000

static char *failing_app;

bool notify_no_terminal(void)
{
    return !isatty(STDIN_FILENO) && !isatty(STDOUT_FILENO) && !isatty(STDERR_FILENO);
}

__attribute__((noreturn)) static void exec_notify(pid_t launcher, const char *bus, const char *summary,
                                                  const char *body)
{
    helper_tie(launcher);
    helper_unprivileged(NOTIFY_SEND);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
        dup2(null, STDERR_FILENO) < 0 || syscall(SYS_close_range, 3, ~0U, 0) != 0)
        _exit(EXIT_TORGATE);
    autofree char *address = xasprintf("DBUS_SESSION_BUS_ADDRESS=%s", bus);
    /* It stays until the user closes it: nobody may be looking when it comes. */
    char *argv[] = {"notify-send", "--app-name=torgate", "--urgency=critical", "--expire-time=0",
                    "--icon=dialog-error", "--", (char *)summary, (char *)body, NULL};
    char *envp[] = {address, NULL};
    execve(NOTIFY_SEND, argv, envp);
    _exit(EXIT_TORGATE);
}

static void wait_a_while(pid_t pid)
{
    for (int waited = 0; waited < NOTIFY_WAIT_MS; waited += 10) {
        pid_t r = waitpid(pid, NULL, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return;
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

void notify_user(const char *summary, const char *body)
{
    const char *bus = desktop_session_bus();
    if (!bus || !bus_address_local(bus) || access(NOTIFY_SEND, X_OK) != 0)
        return;
    fflush(stderr);
    pid_t launcher = getpid(), pid = fork();
    if (pid < 0)
        return;
    if (pid == 0)
        exec_notify(launcher, bus, summary, body);
    wait_a_while(pid);
}

static void notify_failure(const char *message)
{
    autofree char *summary = xasprintf("torgate: %s did not start", failing_app ? failing_app : "the command");
    notify_user(summary, message);
}

void notify_failures(const char *app)
{
    if (!notify_no_terminal())
        return;
    free(failing_app);
    failing_app = app ? xstrdup(app) : NULL;
    die_also(notify_failure);
}
