/* proxy-env = yes: proxy variables for COMMAND's environment. */
#ifndef TORGATE_PROXY_ENV_H
#define TORGATE_PROXY_ENV_H

#include "plan.h"
#include "pool.h"

void proxy_env_apply(const struct proxy_plan *proxy, const struct slot *slot);

#endif
