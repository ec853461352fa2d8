/* See nftables.h. */
#include "nftables.h"

#include <dlfcn.h>

#include "util.h"

#define LIBNFTABLES "libnftables.so.1"

static void *symbol(void *lib, const char *name)
{
    void *p = dlsym(lib, name);
    if (!p)
        die("cannot use " LIBNFTABLES ": it has no %s (reinstall the libnftables1 package)", name);
    return p;
}

const struct nftables *nftables(void)
{
    static struct nftables api;
    if (api.ctx_new)
        return &api;
    /* Kept for the life of the process: never unloaded. */
    void *lib = dlopen(LIBNFTABLES, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        die("cannot load %s: install the libnftables1 package", dlerror());
    api.ctx_free = symbol(lib, "nft_ctx_free");
    api.ctx_buffer_output = symbol(lib, "nft_ctx_buffer_output");
    api.ctx_buffer_error = symbol(lib, "nft_ctx_buffer_error");
    api.ctx_get_output_buffer = symbol(lib, "nft_ctx_get_output_buffer");
    api.ctx_get_error_buffer = symbol(lib, "nft_ctx_get_error_buffer");
    api.run_cmd_from_buffer = symbol(lib, "nft_run_cmd_from_buffer");
    api.ctx_new = symbol(lib, "nft_ctx_new"); /* last: the mark of a loaded library */
    return &api;
}
