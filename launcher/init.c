/* PID 1 of the sandbox: COMMAND's parent, reaper and signal relay. */
#include "sandbox.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "caps.h"
#include "util.h"

__attribute__((noreturn)) static void run_command(char **argv)
{
    caps_drop_all();
    execvp(argv[0], argv);
    int err = errno;
    die_with_status(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN, "cannot run '%s': %s", argv[0],
                    strerror(err));
}

/* As a shell reports it: the exit code, or 128+N for death by signal N. */
static int shell_status(int status)
{
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

void init_run(char **argv, int error_fd)
{
    sigset_t all, old;
    sigfillset(&all);
    /* Signals that arrive before the relay knows COMMAND's PID stay pending. */
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t command = fork();
    if (command < 0)
        die_with_error("cannot start the command");
    if (command == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        run_command(argv);
    }

    caps_drop_all(); /* init needs no capability from here on */
    /* COMMAND's copy of error_fd closes when its exec succeeds: the launcher's
     * EOF then means "running". */
    close(error_fd);
    report_errors_to(-1);
    relay_signals_to(command);
    sigprocmask(SIG_SETMASK, &old, NULL);

    for (;;) {
        int status;
        pid_t pid = wait(&status);
        if (pid == command)
            _exit(shell_status(status)); /* the kernel then kills the rest of the sandbox */
        if (pid < 0 && errno != EINTR)
            _exit(EXIT_TORGATE);
        /* any other PID: an orphan reaped */
    }
}
