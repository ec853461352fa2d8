/* See a11y.h. */
#include "a11y.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <errno.h>
#include <stdlib.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "environment.h"
#include "helpers.h"
#include "util.h"

#ifndef DBUS_SEND
#define DBUS_SEND "/usr/bin/dbus-send"
#endif

/* How long the session's bus may take to answer (it may first start
 * at-spi-bus-launcher, as for any application). */
#define A11Y_ASK_MS 5000

/* The child: the user with nothing more, dbus-send's answer on out, its
 * complaints nowhere (a session without the service is no error). */
__attribute__((noreturn)) static void exec_ask(pid_t launcher, const char *session_bus, int out)
{
    helper_tie(launcher);
    helper_unprivileged(DBUS_SEND);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0 ||
        syscall(SYS_close_range, 3, ~0U, 0) != 0)
        _exit(EXIT_TORGATE);
    autofree char *bus = xasprintf("--bus=%s", session_bus);
    char *argv[] = {"dbus-send",     bus,           "--print-reply=literal", "--reply-timeout=4000",
                    "--dest=org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus.GetAddress", NULL};
    char *envp[] = {NULL};
    execve(DBUS_SEND, argv, envp);
    _exit(EXIT_TORGATE);
}

static long ms_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Up to size-1 bytes of fd, until its end or the deadline; false on the
 * deadline or an error. */
static bool read_until_end(int fd, char *buf, size_t size)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t len = 0;
    for (;;) {
        long left = A11Y_ASK_MS - ms_since(&t0);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return false;
        ssize_t r = read(fd, buf + len, size - 1 - len);
        if (r < 0)
            return false;
        if (r == 0 || (len += (size_t)r) == size - 1)
            break;
    }
    buf[len] = '\0';
    return true;
}

static char *ask_the_session(const char *session_bus)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        die_with_error("cannot create a pipe to ask for the accessibility bus");
    pid_t launcher = getpid(), pid = fork_or_die(DBUS_SEND);
    if (pid == 0)
        exec_ask(launcher, session_bus, pipefd[1]);
    close(pipefd[1]);
    autoclose int answer = pipefd[0];
    char buf[1024];
    bool read_ok = read_until_end(answer, buf, sizeof buf);
    if (!read_ok)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!read_ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        debug("no accessibility bus: org.a11y.Bus on the session bus did not answer");
        return NULL;
    }
    char *start = buf + strspn(buf, " \t\n");
    start[strcspn(start, " \t\n")] = '\0';
    return *start ? xstrdup(start) : NULL;
}

char *a11y_bus_address(const char *session_bus)
{
    const char *env = environment_caller_get("AT_SPI_BUS_ADDRESS");
    char *address = env && *env ? xstrdup(env) : session_bus ? ask_the_session(session_bus) : NULL;
    if (address && !bus_address_local(address))
        die("the accessibility bus %s is not one local address (unix:path= or unix:abstract=): torgate will not "
            "carry the sandbox's messages elsewhere; unset AT_SPI_BUS_ADDRESS or use a profile with "
            "accessibility = deny",
            address);
    return address;
}
