/* Who may use a profile, and what a profile amounts to. */
#ifndef TORGATE_POLICY_H
#define TORGATE_POLICY_H

#include <stdio.h>

#include "config.h"
#include "profile.h"

/* Dies with a clear refusal unless the caller may use the profile: clearnet
 * is for the members of torgate.conf's [clearnet] group only (whatever
 * narrows a clearnet profile too), as
 * Tails' Unsafe Browser is off until the person enables it; and no host
 * service may take over a port the gateway leads to Tor or I2P. */
void policy_authorize(const struct torgate_config *cfg, const struct profile *p);

/* --explain: the effective policy and the exact rules it installs. */
void policy_explain(FILE *out, const struct torgate_config *cfg, const struct profile *p);

/* The link group a sandbox's veth carries: its mode and flags, which the
 * firewall's rules match on. */
uint32_t policy_link_group(const struct profile *p);

#endif
