/* Applies the rules of ruleset.c through libnftables. */
#include "firewall.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <time.h>

#include <netinet/in.h> /* before the kernel headers, which defer to it */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "nftables.h"
#include "ruleset.h"
#include "text.h"
#include "util.h"

static void nft_ctx_freep(struct nft_ctx **ctx)
{
    if (*ctx)
        nftables()->ctx_free(*ctx);
}
#define autonft __attribute__((cleanup(nft_ctx_freep)))

static struct nft_ctx *nft_open(const char *what)
{
    const struct nftables *lib = nftables();
    struct nft_ctx *nft = lib->ctx_new(NFT_CTX_DEFAULT);
    if (!nft)
        die("cannot %s: libnftables failed to start", what);
    lib->ctx_buffer_output(nft);
    lib->ctx_buffer_error(nft);
    return nft;
}

/* Runs commands; on failure, *err gets nft's first error line. */
static bool try_nft(const char *commands, const char *what, char **err)
{
    autonft struct nft_ctx *nft = nft_open(what);
    if (nftables()->run_cmd_from_buffer(nft, commands) == 0)
        return true;
    const char *text = nftables()->ctx_get_error_buffer(nft);
    size_t len = text ? strcspn(text, "\n") : 0;
    *err = xasprintf("%.*s", (int)len, len ? text : "nftables error");
    return false;
}

static void run_nft(const char *commands, const char *what)
{
    autofree char *err = NULL;
    if (!try_nft(commands, what, &err))
        die("cannot %s: %s (nft list table inet " FIREWALL_TABLE " shows what is there)", what, err);
}

/* The current listing of the table, or "" if there is none. */
static char *list_table(void)
{
    autonft struct nft_ctx *nft = nft_open("read the firewall table");
    if (nftables()->run_cmd_from_buffer(nft, "list table inet " FIREWALL_TABLE) != 0)
        return xstrdup("");
    return xstrdup(nftables()->ctx_get_output_buffer(nft));
}

/* Commands that delete the marker chains of earlier rule sets. */
static char *stale_markers(const char *listing, const char *keep)
{
    struct text t;
    text_open(&t);
    for (const char *p = listing; (p = strstr(p, "chain " MARKER_PREFIX)); p++) {
        char name[64];
        if (sscanf(p, "chain %63[a-z0-9_]", name) == 1 && strcmp(name, keep) != 0)
            text_printf(&t, "delete chain inet " FIREWALL_TABLE " %s\n", name);
    }
    return text_close(&t);
}

static void nl_socket_freep(struct nl_sock **sk)
{
    if (*sk)
        nl_socket_free(*sk);
}
#define autonlsock __attribute__((cleanup(nl_socket_freep)))

/* A request to nf_tables, for the inet family; NULL if out of memory. */
static struct nl_msg *nft_request(int type, int flags)
{
    struct nl_msg *msg = nlmsg_alloc_simple((NFNL_SUBSYS_NFTABLES << 8) | type, NLM_F_REQUEST | flags);
    struct nfgenmsg header = {.nfgen_family = NFPROTO_INET, .version = NFNETLINK_V0};
    if (msg && nlmsg_append(msg, &header, sizeof header, NLMSG_ALIGNTO) != 0) {
        nlmsg_free(msg);
        return NULL;
    }
    return msg;
}

/* Sends msg (and frees it) on a new nf_tables socket; NULL if it failed. */
static struct nl_sock *nft_send(struct nl_msg *msg)
{
    struct nl_sock *sk = nl_socket_alloc();
    bool sent = msg && sk && nl_connect(sk, NETLINK_NETFILTER) >= 0 && nl_send_auto(sk, msg) >= 0;
    nlmsg_free(msg);
    if (!sent && sk) {
        nl_socket_free(sk);
        sk = NULL;
    }
    return sk;
}

/* Whether the kernel has the table (chain NULL) or the chain in it: one
 * netlink request for that one object, where libnftables would first read
 * the whole table into its cache (half a millisecond on every launch, as
 * measured). A question that cannot be asked answers "absent", and the
 * caller then goes the long way, through libnftables, which reports what
 * went wrong. */
static bool nft_object_exists(const char *table, const char *chain)
{
    struct nl_msg *msg = nft_request(chain ? NFT_MSG_GETCHAIN : NFT_MSG_GETTABLE, NLM_F_ACK);
    if (msg && (nla_put_string(msg, chain ? NFTA_CHAIN_TABLE : NFTA_TABLE_NAME, table) != 0 ||
                (chain && nla_put_string(msg, NFTA_CHAIN_NAME, chain) != 0))) {
        nlmsg_free(msg);
        msg = NULL;
    }
    autonlsock struct nl_sock *sk = nft_send(msg);
    /* The object's description comes first; an error (ENOENT) instead. */
    return sk && nl_recvmsgs_default(sk) >= 0;
}

/* A dump of a set comes as messages whose element list may be empty. */
static int note_elements(struct nl_msg *msg, void *found)
{
    struct nlattr *attrs[NFTA_SET_ELEM_LIST_MAX + 1];
    if (nlmsg_parse(nlmsg_hdr(msg), sizeof(struct nfgenmsg), attrs, NFTA_SET_ELEM_LIST_MAX, NULL) == 0 &&
        attrs[NFTA_SET_ELEM_LIST_ELEMENTS] && nla_len(attrs[NFTA_SET_ELEM_LIST_ELEMENTS]) > 0)
        *(bool *)found = true;
    return NL_OK;
}

/* Whether the set holds an element: one netlink dump of that set alone.
 * True when it cannot be asked, the careful answer. */
static bool nft_set_has_elements(const char *table, const char *set)
{
    struct nl_msg *msg = nft_request(NFT_MSG_GETSETELEM, NLM_F_DUMP);
    if (msg && (nla_put_string(msg, NFTA_SET_ELEM_LIST_TABLE, table) != 0 ||
                nla_put_string(msg, NFTA_SET_ELEM_LIST_SET, set) != 0)) {
        nlmsg_free(msg);
        msg = NULL;
    }
    autonlsock struct nl_sock *sk = nft_send(msg);
    bool found = false;
    if (!sk || nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, note_elements, &found) < 0 ||
        nl_recvmsgs_default(sk) < 0)
        return true;
    return found;
}

static bool marker_present(const char *marker)
{
    return nft_object_exists(FIREWALL_TABLE, marker);
}

void firewall_install(const struct torgate_config *cfg)
{
    autofree char *marker = ruleset_marker(cfg);
    /* Two launchers may race to replace an old rule set: the loser's
     * transaction fails (the old marker is gone) and it looks again. */
    for (int attempt = 0;; attempt++) {
        if (marker_present(marker))
            return;
        autofree char *listing = list_table();
        autofree char *rules = ruleset_render(cfg);
        autofree char *stale = stale_markers(listing, marker);
        autofree char *commands = xasprintf("%s%sadd chain inet " FIREWALL_TABLE " %s\n", rules, stale, marker);
        autofree char *err = NULL;
        if (try_nft(commands, "install the firewall table", &err))
            return;
        if (attempt == 1)
            die("cannot install the firewall table inet " FIREWALL_TABLE ": %s (nft list table inet " FIREWALL_TABLE
                " shows what is there)",
                err);
    }
}

static bool ifname_plain(const char *name)
{
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' ||
              *c == '_' || *c == '-' || *c == '@'))
            return false;
    return *name != '\0';
}

void firewall_add_uplink(const char *ifname, bool guard)
{
    if (!ifname_plain(ifname))
        die("uplink name '%s' has characters torgate does not put in a firewall rule; rename the link", ifname);
    autofree char *cmd = ruleset_render_uplink(ifname, guard);
    run_nft(cmd, "add the uplink to the firewall's sets");
}

void firewall_remove(void)
{
    run_nft("delete table inet " FIREWALL_TABLE "\n", "delete the firewall table");
}

bool firewall_table_exists(const char *table)
{
    return nft_object_exists(table, NULL);
}

bool firewall_chain_exists(const char *table, const char *chain)
{
    return nft_object_exists(table, chain);
}

void firewall_lease_take(void)
{
    /* Held for the few netlink calls of a start or an end; a holder that
     * died frees it when the kernel's timeout runs out. */
    for (int waited_ms = 0;; waited_ms += 10) {
        autofree char *err = NULL;
        if (try_nft(LEASE_TAKE, "take the forwarding lease", &err))
            return;
        if (waited_ms >= (LEASE_SECONDS + 2) * 1000)
            die("cannot take the firewall's forwarding lease: %s (nft list set inet " FIREWALL_TABLE
                " forwarding_lease shows it)",
                err);
        struct timespec ten_ms = {0, 10 * 1000 * 1000};
        nanosleep(&ten_ms, NULL);
    }
}

void firewall_lease_give(void)
{
    autofree char *err = NULL;
    if (!try_nft(LEASE_GIVE, "give the forwarding lease back", &err))
        warn("cannot give the forwarding lease back (it expires by itself): %s", err);
}

bool firewall_forward_guard_in_use(void)
{
    return nft_set_has_elements(FIREWALL_TABLE, "forward_guard");
}

size_t firewall_guarded_uplinks(char names[][16], size_t max)
{
    autonft struct nft_ctx *nft = nft_open("read forward_guard");
    if (nftables()->run_cmd_from_buffer(nft, "list set inet " FIREWALL_TABLE " forward_guard") != 0)
        return 0;
    const char *p = strstr(nftables()->ctx_get_output_buffer(nft), "elements = {");
    size_t n = 0;
    while (p && n < max && (p = strchr(p, '"'))) {
        if (sscanf(p, "\"%15[^\"]\"", names[n]) == 1 && ifname_plain(names[n]))
            n++;
        p = strchr(p + 1, '"');
        if (p)
            p++;
    }
    return n;
}

void firewall_remove_guard(const char *ifname)
{
    if (!ifname_plain(ifname))
        return;
    autofree char *cmd = xasprintf("delete element inet " FIREWALL_TABLE " forward_guard { \"%s\" }\n", ifname);
    autofree char *err = NULL;
    if (!try_nft(cmd, "remove an uplink from forward_guard", &err))
        warn("cannot remove %s from forward_guard: %s", ifname, err);
}

static bool link_index_exists(unsigned ifindex)
{
    char name[IF_NAMESIZE];
    return if_indextoname(ifindex, name) != NULL || errno != ENXIO;
}

/* Elements of links that are gone: deleted in one transaction, which fails
 * as a whole if another launcher deleted one of them first; they are then
 * that launcher's to prune, or the next one's. */
static void prune_set(const char *set)
{
    autofree char *what = xasprintf("read %s", set);
    autonft struct nft_ctx *nft = nft_open(what);
    autofree char *list = xasprintf("list set inet " FIREWALL_TABLE " %s", set);
    if (nftables()->run_cmd_from_buffer(nft, list) != 0)
        return;
    autofree char *stale = ruleset_prune_set(nftables()->ctx_get_output_buffer(nft), set, link_index_exists);
    autofree char *err = NULL;
    if (*stale && !try_nft(stale, "prune a set", &err))
        debug("%s not pruned this time: %s", set, err);
}

void firewall_grant_services(int ifindex, const struct host_services *services)
{
    prune_set("host_services");
    char index[16];
    snprintf(index, sizeof index, "%d", ifindex);
    autofree char *cmd = ruleset_render_services(index, services);
    run_nft(cmd, "grant the sandbox its host services");
}

void firewall_grant_onion_targets(int ifindex, unsigned tor_uid)
{
    prune_set("onion_targets");
    char index[16];
    snprintf(index, sizeof index, "%d", ifindex);
    autofree char *cmd = ruleset_render_onion_target(index, tor_uid);
    run_nft(cmd, "let tor reach the sandbox's onion services");
}
