/* Kernel constants newer than Debian 12's headers (linux-libc-dev 6.1), with
 * the values of the kernel's ABI, for the filter and the tests that try it. */
#ifndef TORGATE_LINUX_COMPAT_H
#define TORGATE_LINUX_COMPAT_H

#include <sys/socket.h>

#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62 /* Linux 5.0 */
#endif
#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76 /* Linux 6.5: SCM_PIDFD with every message */
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77 /* Linux 6.5: a pidfd of a UNIX socket's peer */
#endif
#ifndef SCM_PIDFD
#define SCM_PIDFD 0x04
#endif

#endif
