/* proxy-env = yes: proxy variables for applications that honour them, as
 * defence in depth should the firewall ever fail (as Tails keeps its proxy
 * settings). They point at the gateway, where the rules lead to Tor (or the
 * I2P router). */
#include "sandbox.h"

#include <stdlib.h>

#include "util.h"

static void set(const char *name, const char *value)
{
    if (setenv(name, value, 1) != 0)
        die_with_error("cannot set %s", name);
}

void proxy_env_apply(const struct sandbox_plan *plan, const struct slot *slot)
{
    const struct torgate_config *cfg = plan->cfg;
    char gw[16];
    format_addr4(slot->gateway, gw);
    autofree char *http = NULL, *all = NULL;
    if (plan->profile->mode == MODE_I2P) {
        http = xasprintf("http://%s:%u", gw, cfg->i2p_http_proxy.port);
        all = xstrdup(http);
    } else if (plan->profile->mode == MODE_TOR) {
        if (cfg->http_tunnel_port.port)
            http = xasprintf("http://%s:%u", gw, cfg->http_tunnel_port.port);
        all = xasprintf("socks5h://%s:%u", gw, cfg->socks_port.port);
    } else
        return; /* clearnet and offline: nothing to point at */
    static const char *const http_names[] = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"};
    for (size_t i = 0; http && i < N_ELEMENTS(http_names); i++)
        set(http_names[i], http);
    set("ALL_PROXY", all);
    set("all_proxy", all);
    set("no_proxy", "localhost,127.0.0.1");
    set("NO_PROXY", "localhost,127.0.0.1");
}
