/* Relaying signals to COMMAND, shared by the launcher and the sandbox's init. */
#include "relay.h"

#include <signal.h>
#include <string.h>

#include "util.h"

static volatile pid_t relay_target;

static const int relayed[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static void relay(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    /* SI_KERNEL: the terminal signalled the foreground process group, which
     * COMMAND is in too; relaying would deliver the signal twice. */
    if (info && info->si_code == SI_KERNEL)
        return;
    if (relay_target > 0)
        kill(relay_target, sig);
}

void relay_signals_to(pid_t target)
{
    relay_target = target;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = relay;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < N_ELEMENTS(relayed); i++)
        if (sigaction(relayed[i], &sa, NULL) != 0)
            die_with_error("cannot relay signal %d", relayed[i]);
}
