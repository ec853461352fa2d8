/* See sandbox_nat.h. The rules are those of ruleset_render_sandbox_nat(),
 * expression by expression, as nft itself would compile them; the
 * integration tests compare what the kernel then lists with that text. */
#include "sandbox_nat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h> /* before the kernel headers, which defer to it */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addresses.h"
#include "pool.h" /* SANDBOX_IFNAME */
#include "util.h"

#define BATCH_SIZE 16384 /* the largest table is about 2 KiB of messages */

struct batch {
    struct mnl_nlmsg_batch *b;
    uint32_t seq;
    unsigned messages; /* each asks for an answer */
};

static void put(struct batch *bt, uint16_t type, uint16_t flags, void (*build)(struct nlmsghdr *, void *),
                void *object)
{
    struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type, NFPROTO_IPV4,
                                                 flags | NLM_F_ACK, bt->seq++);
    build(nlh, object);
    if (!mnl_nlmsg_batch_next(bt->b))
        die("the sandbox's nat table does not fit its batch"); /* a bug: BATCH_SIZE */
    bt->messages++;
}

static void build_table(struct nlmsghdr *nlh, void *t) { nftnl_table_nlmsg_build_payload(nlh, t); }
static void build_chain(struct nlmsghdr *nlh, void *c) { nftnl_chain_nlmsg_build_payload(nlh, c); }
static void build_rule(struct nlmsghdr *nlh, void *r) { nftnl_rule_nlmsg_build_payload(nlh, r); }
static void build_set(struct nlmsghdr *nlh, void *s) { nftnl_set_nlmsg_build_payload(nlh, s); }
static void build_elements(struct nlmsghdr *nlh, void *s) { nftnl_set_elems_nlmsg_build_payload(nlh, s); }

static void *checked(void *p)
{
    if (!p)
        die("out of memory");
    return p;
}

static void add_table(struct batch *bt)
{
    struct nftnl_table *t = checked(nftnl_table_alloc());
    nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
    nftnl_table_set_str(t, NFTNL_TABLE_NAME, SANDBOX_NAT_TABLE);
    put(bt, NFT_MSG_NEWTABLE, NLM_F_CREATE, build_table, t);
    nftnl_table_free(t);
}

/* "type TYPE hook HOOK priority PRIORITY; policy accept;" */
static void add_chain_of_type(struct batch *bt, const char *name, const char *type, unsigned hook, int priority)
{
    struct nftnl_chain *c = checked(nftnl_chain_alloc());
    nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
    nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, SANDBOX_NAT_TABLE);
    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
    nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
    nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
    nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, priority);
    nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
    put(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE, build_chain, c);
    nftnl_chain_free(c);
}

static void add_chain(struct batch *bt, const char *name, unsigned hook, int priority)
{
    add_chain_of_type(bt, name, "nat", hook, priority);
}

static struct nftnl_rule *new_rule(const char *chain)
{
    struct nftnl_rule *r = checked(nftnl_rule_alloc());
    nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
    nftnl_rule_set_str(r, NFTNL_RULE_TABLE, SANDBOX_NAT_TABLE);
    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
    return r;
}

static void add_rule(struct batch *bt, struct nftnl_rule *r)
{
    put(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, build_rule, r);
    nftnl_rule_free(r);
}

static struct nftnl_expr *expr(struct nftnl_rule *r, const char *name)
{
    struct nftnl_expr *e = checked(nftnl_expr_alloc(name));
    nftnl_rule_add_expr(r, e); /* the rule owns it */
    return e;
}

/* Register 1 compared with value (len bytes, as the packet has them). */
static void compare(struct nftnl_rule *r, enum nft_cmp_ops op, const void *value, uint32_t len)
{
    struct nftnl_expr *e = expr(r, "cmp");
    nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
    nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, value, len);
}

static void load_payload(struct nftnl_rule *r, enum nft_payload_bases base, uint32_t offset, uint32_t len)
{
    struct nftnl_expr *e = expr(r, "payload");
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
}

static void load_meta(struct nftnl_rule *r, enum nft_meta_keys key)
{
    struct nftnl_expr *e = expr(r, "meta");
    nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
    nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

/* "ip saddr" (12) or "ip daddr" (16); addr in host order */
#define IP_SADDR 12
#define IP_DADDR 16
static void match_address(struct nftnl_rule *r, uint32_t offset, uint32_t addr)
{
    uint32_t value = htonl(addr);
    load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, offset, sizeof value);
    compare(r, NFT_CMP_EQ, &value, sizeof value);
}

/* "ip saddr ADDR/LEN" (offset IP_SADDR) or "ip daddr ADDR/LEN" */
static void match_prefix(struct nftnl_rule *r, uint32_t offset, uint32_t addr, unsigned len)
{
    uint32_t mask = htonl(len ? ~0U << (32 - len) : 0), value = htonl(addr) & mask, zero = 0;
    load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, offset, sizeof value);
    struct nftnl_expr *e = expr(r, "bitwise");
    nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof mask);
    nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof mask);
    nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, sizeof zero);
    compare(r, NFT_CMP_EQ, &value, sizeof value);
}

/* "meta l4proto PROTO" */
static void match_protocol(struct nftnl_rule *r, uint8_t protocol)
{
    load_meta(r, NFT_META_L4PROTO);
    compare(r, NFT_CMP_EQ, &protocol, sizeof protocol);
}

/* "tcp dport PORT", "udp sport != PORT"...: after match_protocol() */
#define SPORT 0
#define DPORT 2
static void match_port(struct nftnl_rule *r, uint32_t offset, enum nft_cmp_ops op, uint16_t port)
{
    uint16_t value = htons(port);
    load_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, offset, sizeof value);
    compare(r, op, &value, sizeof value);
}

/* "oifname NAME" or "iifname NAME" */
static void match_interface(struct nftnl_rule *r, enum nft_meta_keys key, const char *name)
{
    char value[16] = {0}; /* IFNAMSIZ, as the kernel compares it */
    strncpy(value, name, sizeof value - 1);
    load_meta(r, key);
    compare(r, NFT_CMP_EQ, value, sizeof value);
}

/* "meta mark != MARK" */
static void match_mark_not(struct nftnl_rule *r, uint32_t mark)
{
    load_meta(r, NFT_META_MARK);
    compare(r, NFT_CMP_NEQ, &mark, sizeof mark);
}

static void immediate(struct nftnl_rule *r, enum nft_registers reg, const void *value, uint32_t len)
{
    struct nftnl_expr *e = expr(r, "immediate");
    nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
    nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, value, len);
}

/* "dnat ip to ADDR[:PORT]" (port 0: none); host order */
static void dnat(struct nftnl_rule *r, uint32_t addr, uint16_t port)
{
    uint32_t a = htonl(addr);
    uint16_t p = htons(port);
    immediate(r, NFT_REG_1, &a, sizeof a);
    if (port)
        immediate(r, NFT_REG_2, &p, sizeof p);
    struct nftnl_expr *e = expr(r, "nat");
    nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
    nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
    nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
    if (port) {
        nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
        nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
    }
}

static void add_control_port(struct batch *bt, const struct sandbox_nat *nat)
{
    add_chain(bt, "control_port", NF_INET_LOCAL_OUT, -100);
    struct nftnl_rule *r = new_rule("control_port");
    match_address(r, IP_DADDR, INADDR_LOOPBACK);
    match_protocol(r, IPPROTO_TCP);
    match_port(r, DPORT, NFT_CMP_EQ, SANDBOX_CONTROL_PORT);
    dnat(r, nat->gateway, nat->control_port);
    add_rule(bt, r);

    add_chain(bt, "control_port_source", NF_INET_POST_ROUTING, 100);
    r = new_rule("control_port_source");
    match_interface(r, NFT_META_OIFNAME, SANDBOX_IFNAME);
    match_prefix(r, IP_SADDR, INADDR_LOOPBACK & 0xFF000000u, 8);
    expr(r, "masq");
    add_rule(bt, r);
}

static void add_dns_guard(struct batch *bt, const struct sandbox_nat *nat)
{
    add_chain(bt, "dns_guard", NF_INET_LOCAL_OUT, -100);
    struct nftnl_rule *r = new_rule("dns_guard");
    match_address(r, IP_DADDR, nat->gateway);
    match_protocol(r, IPPROTO_UDP);
    match_port(r, DPORT, NFT_CMP_EQ, 53);
    match_port(r, SPORT, NFT_CMP_NEQ, DNS_GUARD_SOURCE_PORT);
    dnat(r, INADDR_LOOPBACK, DNS_GUARD_PORT);
    add_rule(bt, r);
    if (!nat->dns_tcp)
        return;
    r = new_rule("dns_guard");
    match_address(r, IP_DADDR, nat->gateway);
    match_protocol(r, IPPROTO_TCP);
    match_port(r, DPORT, NFT_CMP_EQ, 53);
    dnat(r, INADDR_LOOPBACK, DNS_GUARD_PORT);
    add_rule(bt, r);
}

static void add_socks_guard(struct batch *bt, const struct sandbox_nat *nat)
{
    add_chain(bt, "socks_guard", NF_INET_LOCAL_OUT, -100);
    struct nftnl_rule *r = new_rule("socks_guard");
    match_address(r, IP_DADDR, nat->gateway);
    match_protocol(r, IPPROTO_TCP);
    match_port(r, DPORT, NFT_CMP_EQ, nat->socks_port);
    match_mark_not(r, SOCKS_GUARD_MARK);
    dnat(r, INADDR_LOOPBACK, SOCKS_GUARD_PORT);
    add_rule(bt, r);
}

static void add_onion_services(struct batch *bt, const struct sandbox_nat *nat)
{
    add_chain(bt, "onion_services", NF_INET_PRE_ROUTING, -100);
    struct nftnl_rule *r = new_rule("onion_services");
    match_interface(r, NFT_META_IIFNAME, SANDBOX_IFNAME);
    match_address(r, IP_SADDR, nat->gateway);
    match_protocol(r, IPPROTO_TCP);
    dnat(r, INADDR_LOOPBACK, 0);
    add_rule(bt, r);
}

/* "set automapped { type ipv4_addr; size N; }", and the chain that
 * refuses TCP to Tor's automap range but to its elements:
 * "ip daddr 10.192.0.0/10 ip daddr != @automapped meta l4proto tcp
 * reject with tcp reset", in a filter chain of the output hook. */
#define AUTOMAPPED_SET_ID 1 /* how the rule names the set made in the same batch */
#define TYPE_IPV4_ADDR 7    /* nft's ipv4_addr */
static struct nftnl_set *automapped_set(void)
{
    struct nftnl_set *set = checked(nftnl_set_alloc());
    nftnl_set_set_u32(set, NFTNL_SET_FAMILY, NFPROTO_IPV4);
    nftnl_set_set_str(set, NFTNL_SET_TABLE, SANDBOX_NAT_TABLE);
    nftnl_set_set_str(set, NFTNL_SET_NAME, AUTOMAPPED_SET);
    return set;
}

static void add_automap(struct batch *bt)
{
    struct nftnl_set *set = automapped_set();
    nftnl_set_set_u32(set, NFTNL_SET_ID, AUTOMAPPED_SET_ID);
    nftnl_set_set_u32(set, NFTNL_SET_KEY_TYPE, TYPE_IPV4_ADDR);
    nftnl_set_set_u32(set, NFTNL_SET_KEY_LEN, sizeof(uint32_t));
    nftnl_set_set_u32(set, NFTNL_SET_DESC_SIZE, AUTOMAPPED_SET_SIZE);
    put(bt, NFT_MSG_NEWSET, NLM_F_CREATE, build_set, set);
    nftnl_set_free(set);

    add_chain_of_type(bt, "automap", "filter", NF_INET_LOCAL_OUT, 0);
    struct nftnl_rule *r = new_rule("automap");
    match_prefix(r, IP_DADDR, tor_automap.addr, tor_automap.len);
    load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, IP_DADDR, sizeof(uint32_t));
    struct nftnl_expr *e = expr(r, "lookup");
    nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
    nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, AUTOMAPPED_SET);
    nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, AUTOMAPPED_SET_ID);
    nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
    match_protocol(r, IPPROTO_TCP);
    e = expr(r, "reject");
    nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_TCP_RST);
    nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, 0);
    add_rule(bt, r);
}

/* Sends the batch on the netlink socket fd; the kernel works through it
 * before sendto() returns, and its answers (one per message: an error or
 * an acknowledgement) are then waiting. 0, or the first error (negative
 * errno). */
static int send_batch_on(int fd, struct mnl_nlmsg_batch *b, unsigned messages)
{
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    int result = 0;
    char buf[MNL_SOCKET_BUFFER_SIZE];
    while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
        ; /* what an earlier batch that failed left unread (fd is used again) */
    if (sendto(fd, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b), 0, (struct sockaddr *)&kernel,
               sizeof kernel) < 0)
        result = -errno;
    for (unsigned answered = 0; result == 0 && answered < messages;) {
        ssize_t got = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (got < 0) {
            result = errno == EAGAIN ? -EPROTO : -errno; /* fewer answers than messages */
            break;
        }
        int n = (int)got; /* at most sizeof buf */
        for (const struct nlmsghdr *h = (const void *)buf; mnl_nlmsg_ok(h, n); h = mnl_nlmsg_next(h, &n)) {
            if (h->nlmsg_type != NLMSG_ERROR)
                continue;
            const struct nlmsgerr *err = mnl_nlmsg_get_payload(h);
            answered++;
            if (err->error && !result)
                result = err->error;
        }
    }
    return result;
}

int sandbox_nat_socket(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
    struct sockaddr_nl any = {.nl_family = AF_NETLINK}; /* the kernel picks the port */
    if (fd >= 0 && bind(fd, (struct sockaddr *)&any, sizeof any) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_batch(struct mnl_nlmsg_batch *b, unsigned messages)
{
    int fd = sandbox_nat_socket();
    if (fd < 0)
        return -errno;
    int result = send_batch_on(fd, b, messages);
    close(fd);
    return result;
}

static struct batch batch_begin(char *buf, size_t size)
{
    struct batch bt = {checked(mnl_nlmsg_batch_start(buf, size)), (uint32_t)time(NULL), 0};
    nftnl_batch_begin(mnl_nlmsg_batch_current(bt.b), bt.seq++);
    mnl_nlmsg_batch_next(bt.b);
    return bt;
}

static void batch_end(struct batch *bt)
{
    nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), bt->seq++);
    mnl_nlmsg_batch_next(bt->b);
}

int sandbox_automap_grant(int fd, const uint32_t *addrs, unsigned n)
{
    if (n > AUTOMAP_GRANT_MAX)
        return -E2BIG;
    for (unsigned i = 0; i < n; i++)
        if (!prefix4_contains(&tor_automap, addrs[i]))
            return -EINVAL;
    static char buf[BATCH_SIZE];
    struct batch bt = batch_begin(buf, sizeof buf);
    struct nftnl_set *set = automapped_set();
    for (unsigned i = 0; i < n; i++) {
        struct nftnl_set_elem *elem = checked(nftnl_set_elem_alloc());
        uint32_t key = htonl(addrs[i]);
        nftnl_set_elem_set(elem, NFTNL_SET_ELEM_KEY, &key, sizeof key);
        nftnl_set_elem_add(set, elem); /* the set owns it */
    }
    put(&bt, NFT_MSG_NEWSETELEM, NLM_F_CREATE, build_elements, set);
    nftnl_set_free(set);
    batch_end(&bt);
    int err = send_batch_on(fd, bt.b, bt.messages);
    mnl_nlmsg_batch_stop(bt.b);
    return err;
}

void sandbox_nat_write(const struct sandbox_nat *nat)
{
    if (!nat->control_port && !nat->dns_guard && !nat->socks_port && !nat->automap)
        return;
    static char buf[BATCH_SIZE];
    struct batch bt = batch_begin(buf, sizeof buf);
    add_table(&bt);
    if (nat->control_port)
        add_control_port(&bt, nat);
    if (nat->dns_guard)
        add_dns_guard(&bt, nat);
    if (nat->socks_port)
        add_socks_guard(&bt, nat);
    if (nat->onions)
        add_onion_services(&bt, nat);
    if (nat->automap)
        add_automap(&bt);
    batch_end(&bt);
    int err = send_batch(bt.b, bt.messages);
    mnl_nlmsg_batch_stop(bt.b);
    if (err)
        die("cannot write the sandbox's own nat table (its control port, its DNS and SOCKS guards, its automapped addresses): %s",
            strerror(-err));
}
