/* Capabilities (libcap-ng): torgate holds three in its permitted set, raises
 * them into the effective set only around the steps that need them, and
 * COMMAND starts with none in any set. */
#ifndef TORGATE_CAPS_H
#define TORGATE_CAPS_H

#include <stdbool.h>

/* What the installed binary carries (setcap's notation). */
#define TORGATE_FILE_CAPS "cap_net_admin,cap_sys_admin,cap_setpcap+p"
/* How a binary that lost them gets them back: the Debian package's postinst
 * sets them (a .deb cannot carry them), make install does for a source
 * install. TORGATE_PACKAGED is set by the build (debian/rules). */
#ifndef TORGATE_PACKAGED
#define TORGATE_PACKAGED 0
#endif
#define TORGATE_SET_CAPS_HOW                                                                              \
    (TORGATE_PACKAGED ? "run 'dpkg-reconfigure torgate' as root (its postinst runs setcap " TORGATE_FILE_CAPS \
                        "; the file system must hold extended attributes)"                               \
                      : "run 'make install' (setcap " TORGATE_FILE_CAPS ")")

/* Whether the executable open at fd carries TORGATE_FILE_CAPS. */
bool caps_file_carries_all(int fd);

/* Root only (--user): becomes user name (its uid, primary group and
 * groups), keeping root's capabilities permitted for caps_init(). Dies if
 * name is unknown or root. */
void caps_become_user(const char *name);
/* Keeps CAP_SYS_ADMIN, CAP_NET_ADMIN and CAP_SETPCAP permitted, none effective;
 * dies with a fix-it line if the binary was not given them. */
void caps_init(void);
/* For work that needs no privilege: every capability gone, whatever the
 * binary was given. */
void caps_drop_quietly(void);
/* torgate check: CAP_NET_ADMIN kept permitted (if the binary has it), no other. */
void caps_check_init(void);
/* The capabilities a privileged step raises (privileged.c is the only
 * caller): into the effective set if permitted; caps_lower() empties it. */
enum { CAPS_NET_ADMIN = 1u << 0, CAPS_SYS_ADMIN = 1u << 1, CAPS_SETPCAP = 1u << 2 };
void caps_raise(unsigned which);
void caps_lower(void);
/* caps_raise() for cleanup paths, which must not die: false on failure. */
bool caps_try_raise(unsigned which);
/* Root's torgate list and stop, which read and remove records in the users'
 * own directories and signal their launchers: CAP_DAC_OVERRIDE and
 * CAP_KILL, effective, and nothing else in any set. */
void caps_root_over_users(void);
/* The launcher of a sandbox the host forwards for, while it waits: only
 * CAP_NET_ADMIN, permitted, to turn the uplinks' forwarding off again when
 * the last such sandbox is gone; every other set empty. */
void caps_keep_net_admin(void);
/* Empties every set (effective, permitted, inheritable, ambient, bounding),
 * locks the securebits so that uid 0 gains nothing on exec, and checks the
 * result; dies if any capability is left. */
void caps_drop_all(void);

#endif
