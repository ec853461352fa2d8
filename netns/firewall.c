/* Applies the rules of ruleset.c through libnftables. */
#include "firewall.h"

#include <string.h>

#include <nftables/libnftables.h>

#include "ruleset.h"
#include "util.h"

static void nft_ctx_freep(struct nft_ctx **ctx)
{
    if (*ctx)
        nft_ctx_free(*ctx);
}
#define autonft __attribute__((cleanup(nft_ctx_freep)))

static void run_nft(const char *commands, const char *what)
{
    autonft struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
    if (!nft)
        die("cannot %s: libnftables failed to start", what);
    nft_ctx_buffer_output(nft);
    nft_ctx_buffer_error(nft);
    if (nft_run_cmd_from_buffer(nft, commands) != 0) {
        const char *err = nft_ctx_get_error_buffer(nft);
        size_t len = err ? strcspn(err, "\n") : 0;
        die("cannot %s: %.*s (nft list table inet " FIREWALL_TABLE " shows what is there)", what, (int)len,
            len ? err : "nftables error");
    }
}

void firewall_install(const struct torgate_config *cfg)
{
    autofree char *rules = ruleset_render(cfg);
    run_nft(rules, "install the firewall table inet " FIREWALL_TABLE);
}

static bool ifname_plain(const char *name)
{
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' ||
              *c == '_' || *c == '-' || *c == '@'))
            return false;
    return *name != '\0';
}

void firewall_guard_forwarding(const char *ifname)
{
    if (!ifname_plain(ifname))
        die("uplink name '%s' has characters torgate does not put in a firewall rule; rename the link", ifname);
    autofree char *cmd = ruleset_render_guard(ifname);
    run_nft(cmd, "guard forwarding on the uplink");
}
