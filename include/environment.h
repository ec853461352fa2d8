/* The caller's environment is COMMAND's, never the launcher's: libraries
 * read variables (libnl's NLCB, NLDBG and NLSYSCONFDIR, libxtables'
 * XTABLES_LIBDIR, which names shared objects to load) that would let the
 * caller steer a process holding capabilities. */
#ifndef TORGATE_ENVIRONMENT_H
#define TORGATE_ENVIRONMENT_H

/* First thing in main(): the caller's environment is set aside for COMMAND,
 * and the launcher runs with an empty one. Until then getenv() (which this
 * module defines for the whole program, libraries' constructors included)
 * finds nothing. */
void environment_isolate(void);

/* Sets a variable of the caller's environment, the one COMMAND gets. */
void environment_caller_set(const char *name, const char *value);

/* A variable of the caller's environment (NULL if unset): data to check,
 * never to obey while privileged. */
const char *environment_caller_get(const char *name);

/* In the sandbox, once nothing privileged is left to do: the caller's
 * environment again, for COMMAND. */
void environment_restore_caller(void);

#endif
