/* proxy-env = yes: proxy variables for applications that honour them, as
 * defence in depth should the firewall ever fail (as Tails keeps its proxy
 * settings). They point at the gateway, where the rules lead to Tor (or the
 * I2P router); the plan says which ports. */
#include "proxy_env.h"

#include <stdio.h>
#include <stdlib.h>

#include "ruleset.h"
#include "util.h"

static void set(const char *name, const char *value)
{
    if (setenv(name, value, 1) != 0)
        die_with_error("cannot set %s", name);
}

void proxy_env_apply(const struct proxy_plan *proxy, const struct slot *slot)
{
    if (!proxy->set)
        return;
    char gw[16];
    format_addr4(slot->gateway, gw);
    static const char *const http_names[] = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"};
    autofree char *http = proxy->http_port ? xasprintf("http://%s:%u", gw, proxy->http_port) : NULL;
    autofree char *all = xasprintf("%s://%s:%u", proxy->all_scheme, gw, proxy->all_port);
    for (size_t i = 0; http && i < N_ELEMENTS(http_names); i++)
        set(http_names[i], http);
    set("ALL_PROXY", all);
    set("all_proxy", all);
    set("no_proxy", "localhost,127.0.0.1");
    set("NO_PROXY", "localhost,127.0.0.1");
}

void control_env_apply(const struct control_plan *control)
{
    if (!control->port)
        return;
    char port[8];
    snprintf(port, sizeof port, "%u", SANDBOX_CONTROL_PORT);
    set("TOR_CONTROL_HOST", "127.0.0.1");
    set("TOR_CONTROL_PORT", port);
}
