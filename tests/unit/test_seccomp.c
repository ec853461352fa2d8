/* The seccomp filter's rules, each tried as root (which the kernel lets do
 * all of them) in a child with the filter loaded, and as a control in a
 * child without it: the refusal must be the filter's, and the same call
 * must work where nothing filters it. Needs root (make check runs it so). */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "linux_compat.h"
#include "seccomp_filter.h"
#include "util.h"


#define HIGH (1L << 32) /* the kernel reads the low 32 bits of an int */

/* Each returns 0 if the call worked, else errno. */
typedef int (*attempt_fn)(void);

static int result(long rc) { return rc < 0 ? errno : 0; }

static int icmp_socket_high(void)
{
    return result(syscall(SYS_socket, (long)AF_INET, (long)SOCK_DGRAM, (long)IPPROTO_ICMP | HIGH));
}

static int raw_socket(void) { return result(socket(AF_INET, SOCK_RAW, IPPROTO_RAW)); }

static int bind_to_device_high(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    return result(syscall(SYS_setsockopt, (long)fd, (long)SOL_SOCKET, (long)SO_BINDTODEVICE | HIGH, "lo", 3L));
}

static int bind_to_device_level_high(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    return result(syscall(SYS_setsockopt, (long)fd, (long)SOL_SOCKET | HIGH, (long)SO_BINDTODEVICE, "lo", 3L));
}

static int bind_to_ifindex(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0), lo = 1;
    return result(setsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &lo, sizeof lo));
}

static int transparent_high(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;
    return result(syscall(SYS_setsockopt, (long)fd, (long)SOL_IP, (long)IP_TRANSPARENT | HIGH, &on, (long)sizeof on));
}

static int peer_pidfd_high(void)
{
    int pair[2], pidfd = -1;
    socklen_t len = sizeof pidfd;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0)
        return errno;
    return result(syscall(SYS_getsockopt, (long)pair[0], (long)SOL_SOCKET, (long)SO_PEERPIDFD | HIGH, &pidfd, &len));
}

static int pidfd_getfd_self(void)
{
    int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    return pidfd < 0 ? errno : result(syscall(SYS_pidfd_getfd, pidfd, 0, 0));
}

static void *unshare_files(void *arg)
{
    *(int *)arg = result(unshare(CLONE_FILES));
    return NULL;
}

static int thread_unshares_files(void)
{
    int err = -1;
    pthread_t t;
    if (pthread_create(&t, NULL, unshare_files, &err) != 0)
        return EAGAIN;
    pthread_join(t, NULL);
    return err;
}

static int tiocsti_high(void)
{
    /* A terminal of its own, so that the control's push goes nowhere. */
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 || setsid() < 0)
        return EAGAIN;
    int tty = open(ptsname(master), O_RDWR); /* becomes the controlling terminal */
    char c = 'x';
    return tty < 0 ? errno : result(syscall(SYS_ioctl, (long)tty, (long)TIOCSTI | HIGH, &c));
}

static int close_range_unshare(void)
{
    return result(syscall(SYS_close_range, 1000000L, 1000001L, (long)CLOSE_RANGE_UNSHARE));
}

/* In a child: a network namespace of its own (so that root may ping),
 * the filter if asked, then the attempt; its errno comes back as the exit
 * status. */
static int run(attempt_fn fn, bool filtered)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (unshare(CLONE_NEWNET) != 0)
            _exit(200);
        int fd = open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY);
        if (fd < 0 || write(fd, "0 2147483647", 12) != 12)
            _exit(201);
        close(fd);
        struct seccomp_policy policy = {.mode = MODE_CLEARNET};
        if (filtered && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || seccomp_filter_load(&policy) != -1))
            _exit(202);
        _exit(fn() & 0xff);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static const struct {
    const char *name;
    attempt_fn fn;
    int refusal;
} cases[] = {
    {"ICMP socket, protocol with bit 32", icmp_socket_high, EPERM},
    {"raw socket", raw_socket, EPERM},
    {"SO_BINDTODEVICE, option with bit 32", bind_to_device_high, EPERM},
    {"SO_BINDTODEVICE, level with bit 32", bind_to_device_level_high, EPERM},
    {"SO_BINDTOIFINDEX", bind_to_ifindex, EPERM},
    {"IP_TRANSPARENT, option with bit 32", transparent_high, EPERM},
    {"SO_PEERPIDFD, option with bit 32", peer_pidfd_high, ENOPROTOOPT},
    {"pidfd_getfd", pidfd_getfd_self, EPERM},
    {"a thread's unshare(CLONE_FILES)", thread_unshares_files, EPERM},
    {"close_range(CLOSE_RANGE_UNSHARE)", close_range_unshare, EINVAL},
    {"TIOCSTI, request with bit 32", tiocsti_high, EPERM},
};

static void each_rule_refuses_what_the_kernel_allows(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
        int control = run(cases[i].fn, false), filtered = run(cases[i].fn, true);
        print_message("%-40s without the filter: %s, with it: %s\n", cases[i].name, control ? strerror(control) : "ok",
                      filtered ? strerror(filtered) : "ok");
        assert_int_equal(control, 0);
        assert_int_equal(filtered, cases[i].refusal);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_rule_refuses_what_the_kernel_allows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
