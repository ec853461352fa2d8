/* Which sockets are bound in this network namespace: one sock_diag dump
 * (libnl) of the sockets in the states asked for. */
#include "bound.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <string.h>

#include "util.h"

#define TCP_LISTEN_STATE 10 /* the kernel's TCP_LISTEN */

struct wanted {
    uint32_t addr; /* network order */
    uint16_t port; /* network order */
    bool found;
};

static int match_socket(struct nl_msg *msg, void *arg)
{
    struct wanted *w = arg;
    const struct inet_diag_msg *m = nlmsg_data(nlmsg_hdr(msg));
    if (nlmsg_datalen(nlmsg_hdr(msg)) >= (int)sizeof *m && m->id.idiag_sport == w->port &&
        (m->id.idiag_src[0] == w->addr || m->id.idiag_src[0] == 0))
        w->found = true;
    return NL_OK;
}

static void nl_socket_freep(struct nl_sock **sk)
{
    if (*sk)
        nl_socket_free(*sk);
}

/* The kernel walks only the sockets in the states asked for: its
 * listening table for a TCP listener, where /proc/net/tcp would print
 * every connection of the host (4 ms a launch, as measured, on a busy one). */
bool endpoint_bound(const char *table, const struct endpoint4 *ep, bool listening)
{
    bool tcp = strcmp(table, "tcp") == 0;
    struct wanted w = {htonl(ep->addr), htons(ep->port), false};
    struct inet_diag_req_v2 req = {
        .sdiag_family = AF_INET,
        .sdiag_protocol = tcp ? IPPROTO_TCP : IPPROTO_UDP,
        .idiag_states = tcp && listening ? 1U << TCP_LISTEN_STATE : ~0U,
    };
    __attribute__((cleanup(nl_socket_freep))) struct nl_sock *sk = nl_socket_alloc();
    if (!sk || nl_connect(sk, NETLINK_SOCK_DIAG) < 0)
        return false;
    nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, match_socket, &w);
    struct nl_msg *msg = nlmsg_alloc_simple(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP);
    bool asked = msg && nlmsg_append(msg, &req, sizeof req, NLMSG_ALIGNTO) == 0 && nl_send_auto(sk, msg) >= 0;
    nlmsg_free(msg);
    return asked && nl_recvmsgs_default(sk) >= 0 && w.found;
}
