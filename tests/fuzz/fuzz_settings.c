/* libFuzzer entry point for the files a user or administrator writes: every
 * input is read as a torgate.conf (then checked across keys), as a profile,
 * as a clearnet resolvers file and as a control port filter's allowlist;
 * then each of its lines as a sandbox's command to the control port filter
 * and as a line of tor's replies and events; and its bytes as what an app
 * sends the SOCKS guard and the DNS guard.
 * Everything is freed after each run, so that LeakSanitizer reports real
 * leaks of the parsers, not of this harness.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined ... -o fuzz_settings
 *   mkdir -p /tmp/corpus
 *   ./fuzz_settings -dict=tests/fuzz/settings.dict -max_total_time=60 /tmp/corpus tests/fuzz/corpus
 *
 * libFuzzer adds the inputs it finds to the first directory it is given:
 * give it a scratch one first, so that tests/fuzz/corpus stays the seeds.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "control_circuits.h"
#include "control_filter.h"
#include "control_protocol.h"
#include "addresses.h"
#include "dns_guard.h"
#include "profile.h"
#include "resolv.h"
#include "socks_handshake.h"

/* The parsers' contract: false always comes with an error that starts with
 * the file's name (NAME:LINE: ... or NAME: ...), true never with one. */
static void check_result(bool ok, const char *err, const char *name)
{
    if (ok != (err == NULL))
        abort();
    if (err && strncmp(err, name, strlen(name)) != 0)
        abort();
}

/* What a sandbox says to the control port filter, and what tor says back,
 * line by line: nothing it says may crash the filter or leak its memory. */
static void filter_lines(char *text)
{
    static const char allowlist[] = "[filter]\nport = 9152\n[allow]\ngetinfo = version, circuit-status, "
                                    "stream-status, ns/id/*\nsignal = NEWNYM\nevents = STREAM, CIRC, HS_DESC, "
                                    "STATUS_CLIENT\nonion-services = yes\n";
    struct control_allowlist list;
    char *err = NULL;
    if (!control_allowlist_load_string(&list, allowlist, "fuzz", &err))
        abort();
    struct control_owned own = {.address = 0x0A760002u, .tor_version = "0.4.7.16"};
    struct reply_state reply = {.kind = REPLY_GETINFO};
    struct event_state event = {0};
    struct circuit_book book = {.pool = {0x0A760000u, 16}};
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        circuit_book_event(&book, line);
        struct decision d;
        control_decide(&list, &own, line, &d);
        decision_clear(&d);
        if (control_is_event(line) || event.active)
            free(control_event_line(&own, &event, line));
        else
            free(control_reply_line(&own, &reply, line));
        if (reply.done)
            reply = (struct reply_state){.kind = (enum reply_kind)(strlen(line) % 4)};
    }
    size_t n;
    free(circuit_book_of(&book, own.address, &n));
    circuit_book_clear(&book);
    control_owned_clear(&own);
    control_allowlist_clear(&list);
}

/* An app's first bytes to the SocksPort, whatever method Tor chose: the
 * guard never lets on more than it read. */
static void fuzz_socks_handshake(const uint8_t *data, size_t size)
{
    size_t len = size < SOCKS_HANDSHAKE_MAX ? size : SOCKS_HANDSHAKE_MAX;
    static const int methods[] = {-1, 0, 2, 0xFF};
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        size_t safe;
        enum socks_verdict v = socks_handshake_check(data, len, methods[i], &safe);
        if (safe > len || (v == SOCKS_NEED_METHOD && methods[i] >= 0))
            abort(); /* Tor's choice, once known, is never waited for again */
    }
    unsigned char reply[10];
    if (socks_refusal(data, len, -1, reply) > sizeof reply || socks_refusal(data, len, 0, reply) > sizeof reply)
        abort();
}

/* A query to the DNS guard: whatever it is, the guard's looks at it stay
 * within it, and a UDP answer's limit within 512 to 4096. */
static void fuzz_dns_query(const uint8_t *data, size_t size)
{
    bool acceptable = dns_query_acceptable(data, size);
    bool resolver = dns_needs_resolver(data, size);
    size_t limit = dns_udp_limit(data, size);
    if (limit < 512 || limit > 4096 || (acceptable && size < 12) || (resolver && size < 12))
        abort();
    /* As an answer from Tor: its automapped addresses, all in the range, at
     * most as many as asked for. */
    uint32_t addrs[4];
    int n = dns_answer_automapped(data, size, addrs, 4);
    if (n > 4 || (n > 0 && size < 12))
        abort();
    for (int i = 0; i < n; i++)
        if (!prefix4_contains(&tor_automap, addrs[i]))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The parsers take C strings: an input with a NUL in it is read up to
     * the NUL. */
    fuzz_socks_handshake(data, size);
    fuzz_dns_query(data, size);
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    struct torgate_config cfg;
    char *err = NULL;
    config_set_defaults(&cfg);
    bool ok = config_load_string(&cfg, text, "fuzz.conf", &err);
    check_result(ok, err, "fuzz.conf");
    if (ok) {
        ok = config_validate(&cfg, "fuzz.conf", &err);
        check_result(ok, err, "fuzz.conf");
    }
    free(err);
    err = NULL;
    config_clear(&cfg);

    /* If profile.h gains profile_init(), call it here instead. */
    struct profile p;
    memset(&p, 0, sizeof p);
    ok = profile_load_string(&p, text, "fuzz.profile", &err);
    check_result(ok, err, "fuzz.profile");
    free(err);
    profile_clear(&p);

    char *lines = NULL;
    err = NULL;
    ok = clearnet_resolvers_parse(text, "fuzz.resolv", &lines, &err);
    check_result(ok, err, "fuzz.resolv");
    if (ok != (lines != NULL))
        abort();
    free(lines);
    free(err);

    struct control_allowlist allow;
    err = NULL;
    ok = control_allowlist_load_string(&allow, text, "fuzz.allow", &err);
    check_result(ok, err, "fuzz.allow");
    free(err);
    control_allowlist_clear(&allow);

    filter_lines(text);
    free(text);
    return 0;
}
