/* libnftables, loaded the first time torgate needs it.
 *
 * Most launches never do: whether the firewall table is current is one
 * netlink request (firewall.c), and a sandbox's own table is written with
 * libnftnl (sandbox_nat.c). Linked at start, libnftables and the five
 * libraries it brings cost every launch about 1.5 ms, as measured; loaded
 * here, only a launch that writes the host's table or its sets pays. It is
 * the same library the dynamic linker would load (by its soname, from the
 * system's directories: a binary with file capabilities runs in secure
 * mode, where the loader ignores LD_LIBRARY_PATH). */
#ifndef TORGATE_NFTABLES_H
#define TORGATE_NFTABLES_H

#include <nftables/libnftables.h>

struct nftables {
    __typeof__(nft_ctx_new) *ctx_new;
    __typeof__(nft_ctx_free) *ctx_free;
    __typeof__(nft_ctx_buffer_output) *ctx_buffer_output;
    __typeof__(nft_ctx_buffer_error) *ctx_buffer_error;
    __typeof__(nft_ctx_get_output_buffer) *ctx_get_output_buffer;
    __typeof__(nft_ctx_get_error_buffer) *ctx_get_error_buffer;
    __typeof__(nft_run_cmd_from_buffer) *run_cmd_from_buffer;
};

/* The library's functions; loads it the first time. Dies, saying how to
 * fix it, if it cannot be loaded. */
const struct nftables *nftables(void);

#endif
