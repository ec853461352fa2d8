/* proxy-env = yes: proxy variables for COMMAND's environment. */
#ifndef TORGATE_PROXY_ENV_H
#define TORGATE_PROXY_ENV_H

#include "plan.h"
#include "pool.h"

void proxy_env_apply(const struct proxy_plan *proxy, const struct slot *slot);
/* control-port: TOR_CONTROL_HOST and TOR_CONTROL_PORT (Tor Browser's
 * names) pointing at the sandbox's 127.0.0.1:9051, which leads to the
 * filter. */
void control_env_apply(const struct control_plan *control);

#endif
