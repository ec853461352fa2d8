/*
 * leak32 -- the i386 system call ABI as a way around a seccomp filter written
 * for x86-64 (issue 4). A freestanding 32-bit program: no libc, every system
 * call is an `int $0x80`, so that not even the C library's start-up code runs
 * before the attempts.
 *
 * Build:  gcc -m32 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 \
 *             -ffreestanding -fno-pie -no-pie -static -nostdlib \
 *             -fno-stack-protector -o leak32 tests/leak/leak32.c
 *
 * Usage:  leak32 socketcall32 ADDR PORT        (ADDR: dotted IPv4)
 * Tries, each through int 0x80:
 *   inet6     socketcall(SYS_SOCKET, AF_INET6, SOCK_DGRAM)
 *   packet    socket(AF_PACKET, SOCK_RAW, ETH_P_ALL)      (the i386 socket())
 *   raw       socketcall(SYS_SOCKET, AF_INET, SOCK_RAW, IPPROTO_RAW)
 *   udp       socketcall(SYS_SOCKET, AF_INET, SOCK_DGRAM), then
 *             socketcall(SYS_SENDTO, "leak" to ADDR PORT)
 * Output, as leak's: "socketcall32 ok WAY,..." (exit 0) when any try
 * worked, else "socketcall32 blocked:ERR@step" (all failed alike) or
 * "socketcall32 blocked:ERR@way-step,..." (exit 1); usage errors exit 2.
 * Under torgate's seccomp filter the process is expected to die of SIGSYS at
 * its first system call, before it prints anything.
 */
#include <stdint.h>

#if !defined(__i386__)
#error "leak32.c is an i386 program: build it with gcc -m32"
#endif

enum {
    NR_exit_group = 252, NR_write = 4, NR_close = 6, NR_socketcall = 102, NR_socket = 359,
    SC_SOCKET = 1, SC_SENDTO = 11,
    AF_INET_ = 2, AF_INET6_ = 10, AF_PACKET_ = 17,
    SOCK_DGRAM_ = 2, SOCK_RAW_ = 3, IPPROTO_RAW_ = 255, ETH_P_ALL_BE = 0x0300,
};

static long sys3(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

static char out[1024];
static unsigned long outn;

static void put(const char *s)
{
    for (; *s && outn < sizeof out - 1; s++)
        out[outn++] = *s;
}

static void put_num(long v)
{
    char b[16];
    int i = 0;
    if (v < 0) {
        put("-");
        v = -v;
    }
    do
        b[i++] = (char)('0' + v % 10);
    while ((v /= 10) && i < 15);
    char r[16];
    for (int j = 0; j < i; j++)
        r[j] = b[i - 1 - j];
    r[i] = 0;
    put(r);
}

static const char *errname(long e)
{
    switch (e) {
    case 1: return "EPERM";
    case 13: return "EACCES";
    case 22: return "EINVAL";
    case 38: return "ENOSYS";
    case 93: return "EPROTONOSUPPORT";
    case 94: return "ESOCKTNOSUPPORT";
    case 97: return "EAFNOSUPPORT";
    case 101: return "ENETUNREACH";
    default: return 0;
    }
}

static void put_err(long e)
{
    const char *n = errname(e);
    if (n) {
        put(n);
    } else {
        put("E");
        put_num(e);
    }
}

/* the tries: which worked, how the others failed */
static char oks[128];
static unsigned long oksn;
static struct { const char *way, *step; long err; } fails[4];
static int nfails;

static void tried(const char *way, const char *step, long r)
{
    if (r >= 0) {
        if (oksn)
            oks[oksn++] = ',';
        for (const char *s = way; *s && oksn < sizeof oks - 2; s++)
            oks[oksn++] = *s;
        oks[oksn] = 0;
    } else if (nfails < 4) {
        fails[nfails].way = way;
        fails[nfails].step = step;
        fails[nfails].err = -r;
        nfails++;
    }
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* dotted quad to network-order bytes; 0 on success */
static int parse_ip(const char *s, unsigned char ip[4])
{
    for (int i = 0; i < 4; i++) {
        unsigned v = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (!digits || v > 255)
            return -1;
        ip[i] = (unsigned char)v;
        if (i < 3 && *s++ != '.')
            return -1;
    }
    return *s ? -1 : 0;
}

static int parse_port(const char *s, unsigned *port)
{
    unsigned v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 6553)
            return -1;
        v = v * 10 + (unsigned)(*s - '0');
    }
    if (v > 65535)
        return -1;
    *port = v;
    return 0;
}

static int run(int argc, char **argv)
{
    static const char use[] = "usage: leak32 socketcall32 ADDR PORT\n";
    unsigned char ip[4];
    unsigned port;
    if (argc != 4 || !streq(argv[1], "socketcall32") || parse_ip(argv[2], ip) || parse_port(argv[3], &port)) {
        sys3(NR_write, 2, (long)use, (long)(sizeof use - 1));
        return 2;
    }
    static uint32_t args[6];
    static unsigned char sin[16];
    static const char payload[] = "leak";

    args[0] = AF_INET6_; args[1] = SOCK_DGRAM_; args[2] = 0;
    long fd = sys3(NR_socketcall, SC_SOCKET, (long)args, 0);
    tried("inet6", "socketcall", fd);
    if (fd >= 0)
        sys3(NR_close, fd, 0, 0);

    fd = sys3(NR_socket, AF_PACKET_, SOCK_RAW_, ETH_P_ALL_BE);
    tried("packet", "socket", fd);
    if (fd >= 0)
        sys3(NR_close, fd, 0, 0);

    args[0] = AF_INET_; args[1] = SOCK_RAW_; args[2] = IPPROTO_RAW_;
    fd = sys3(NR_socketcall, SC_SOCKET, (long)args, 0);
    tried("raw", "socketcall", fd);
    if (fd >= 0)
        sys3(NR_close, fd, 0, 0);

    args[0] = AF_INET_; args[1] = SOCK_DGRAM_; args[2] = 0;
    fd = sys3(NR_socketcall, SC_SOCKET, (long)args, 0);
    if (fd < 0) {
        tried("udp", "socketcall", fd);
    } else {
        sin[0] = AF_INET_; sin[1] = 0;             /* sin_family, little-endian */
        sin[2] = (unsigned char)(port >> 8);        /* sin_port, network order */
        sin[3] = (unsigned char)port;
        for (int i = 0; i < 4; i++)
            sin[4 + i] = ip[i];
        args[0] = (uint32_t)fd; args[1] = (uint32_t)payload; args[2] = sizeof payload - 1;
        args[3] = 0; args[4] = (uint32_t)sin; args[5] = sizeof sin;
        tried("udp", "sendto", sys3(NR_socketcall, SC_SENDTO, (long)args, 0));
        sys3(NR_close, fd, 0, 0);
    }

    put("socketcall32 ");
    int rc;
    if (oksn) {
        put("ok ");
        put(oks);
        rc = 0;
    } else {
        int same = 1;
        for (int i = 1; i < nfails; i++)
            if (fails[i].err != fails[0].err || !streq(fails[i].step, fails[0].step))
                same = 0;
        put("blocked:");
        for (int i = 0; i < (same ? 1 : nfails); i++) {
            if (i)
                put(",");
            put_err(fails[i].err);
            put("@");
            if (!same) {
                put(fails[i].way);
                put("-");
            }
            put(fails[i].step);
        }
        rc = 1;
    }
    put("\n");
    sys3(NR_write, 1, (long)out, (long)outn);
    return rc;
}

/* the kernel's entry: argc at (%esp), argv after it */
__attribute__((used)) static void cstart(long *sp)
{
    int rc = run((int)sp[0], (char **)(sp + 1));
    for (;;)
        sys3(NR_exit_group, rc, 0, 0);
}

__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "    xorl %ebp, %ebp\n"
        "    movl %esp, %eax\n"
        "    andl $-16, %esp\n"
        "    subl $12, %esp\n"
        "    pushl %eax\n"
        "    call cstart\n"
        "    hlt\n");
