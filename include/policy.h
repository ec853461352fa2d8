/* Who may use a profile, and what a profile amounts to. */
#ifndef TORGATE_POLICY_H
#define TORGATE_POLICY_H

#include <stdio.h>

#include "config.h"
#include "profile.h"

/* False with *err, a clear refusal, unless the caller may use the profile: clearnet
 * is for the members of torgate.conf's [clearnet] group only (whatever
 * narrows a clearnet profile too), as
 * Tails' Unsafe Browser is off until the person enables it; and no host
 * service may take over a port the gateway leads to Tor or I2P. */
bool policy_authorize(const struct torgate_config *cfg, const struct profile *p, char **err);

#endif
