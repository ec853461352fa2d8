/* The control port filter's decisions (control/filter.c, control/allowlist.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control_filter.h"
#include "util.h"

static const char tor_browser[] = "[filter]\nport = 9152\n[allow]\n"
                                  "getinfo = version, status/bootstrap-phase, ns/id/*, circuit-status, stream-status\n"
                                  "signal = NEWNYM\nevents = STREAM, CIRC, STATUS_CLIENT\n";
static const char onionshare[] = "[filter]\nport = 9153\n[allow]\ngetinfo = version, onions/current\n"
                                 "events = HS_DESC\nonion-services = yes\n";

#define SANDBOX 0x0A760002u /* 10.118.0.2 */

static struct control_allowlist load(const char *text)
{
    struct control_allowlist list;
    char *err = NULL;
    if (!control_allowlist_load_string(&list, text, "test.conf", &err))
        fail_msg("%s", err);
    return list;
}

/* What the app gets for line: the line sent to tor, or the answer. */
static char *decided(const struct control_allowlist *list, struct control_owned *own, const char *line,
                     enum verdict want)
{
    struct decision d;
    control_decide(list, own, line, &d);
    if (d.verdict != want)
        fail_msg("'%s': verdict %d, not %d (%s)", line, d.verdict, want, d.answer ? d.answer : d.forward);
    char *out = strdup(want == VERDICT_FORWARD ? d.forward : d.answer);
    decision_clear(&d);
    return out;
}

static void forwarded_as(const struct control_allowlist *list, struct control_owned *own, const char *line,
                         const char *sent)
{
    char *out = decided(list, own, line, VERDICT_FORWARD);
    assert_string_equal(out, sent);
    free(out);
}

static void filtered(const struct control_allowlist *list, struct control_owned *own, const char *line)
{
    char *out = decided(list, own, line, VERDICT_ANSWER);
    assert_string_equal(out, "510 Command filtered\r\n");
    free(out);
}

static void commands_by_allowlist(void **state)
{
    (void)state;
    struct control_allowlist list = load(tor_browser);
    struct control_owned own = {.address = SANDBOX, .tor_version = "0.4.7.16"};
    forwarded_as(&list, &own, "SIGNAL NEWNYM", "SIGNAL NEWNYM\r\n");
    forwarded_as(&list, &own, "signal newnym", "SIGNAL NEWNYM\r\n");
    forwarded_as(&list, &own, "GETINFO status/bootstrap-phase ns/id/ABCD", "GETINFO status/bootstrap-phase ns/id/ABCD\r\n");
    filtered(&list, &own, "SIGNAL HALT");
    filtered(&list, &own, "SIGNAL NEWNYM extra");
    filtered(&list, &own, "GETINFO status/bootstrap-phase address"); /* one key not allowed: all refused */
    filtered(&list, &own, "GETINFO");
    filtered(&list, &own, "GETCONF SocksPort");
    filtered(&list, &own, "SETCONF SocksPort=0.0.0.0:9050");
    filtered(&list, &own, "+LOADCONF");
    filtered(&list, &own, "GETINFO version\rSIGNAL HALT");
    filtered(&list, &own, "ADD_ONION NEW:BEST Port=80"); /* not for this allowlist */
    filtered(&list, &own, "SETEVENTS STREAM ADDRMAP");
    forwarded_as(&list, &own, "SETEVENTS EXTENDED circ stream", "SETEVENTS STREAM CIRC\r\n");
    assert_string_equal(own.events, "CIRC STREAM ");
    /* the filter answers these itself: the app holds no secret of tor's */
    char *info = decided(&list, &own, "PROTOCOLINFO 1", VERDICT_ANSWER);
    assert_non_null(strstr(info, "250-AUTH METHODS=NULL\r\n"));
    assert_non_null(strstr(info, "Tor=\"0.4.7.16\""));
    free(info);
    char *auth = decided(&list, &own, "AUTHENTICATE 0123", VERDICT_ANSWER);
    assert_string_equal(auth, "250 OK\r\n");
    free(auth);
    free(decided(&list, &own, "QUIT", VERDICT_CLOSE));
    control_owned_clear(&own);
    control_allowlist_clear(&list);
}

static void onion_services_point_at_the_sandbox(void **state)
{
    (void)state;
    struct control_allowlist list = load(onionshare);
    struct control_owned own = {.address = SANDBOX};
    forwarded_as(&list, &own, "ADD_ONION NEW:ED25519-V3 Port=80,127.0.0.1:17600",
                 "ADD_ONION NEW:ED25519-V3 Port=80,10.118.0.2:17600\r\n");
    forwarded_as(&list, &own, "ADD_ONION NEW:BEST Flags=DiscardPK,V3Auth Port=80,17600 Port=81 "
                              "ClientAuthV3=E2GOT5LTUTP3OAMRCRXO4GSH6VKJEUOXZQUC336SRKAHTTT5OVSA",
                 "ADD_ONION NEW:BEST Flags=DiscardPK,V3Auth Port=80,10.118.0.2:17600 Port=81,10.118.0.2:81 "
                 "ClientAuthV3=E2GOT5LTUTP3OAMRCRXO4GSH6VKJEUOXZQUC336SRKAHTTT5OVSA\r\n");
    forwarded_as(&list, &own, "ADD_ONION NEW:BEST Port=80,10.118.0.2:8080",
                 "ADD_ONION NEW:BEST Port=80,10.118.0.2:8080\r\n");
    filtered(&list, &own, "ADD_ONION NEW:BEST Port=80,10.118.0.6:80");       /* another sandbox */
    filtered(&list, &own, "ADD_ONION NEW:BEST Port=80,192.168.1.1:80");      /* the LAN */
    filtered(&list, &own, "ADD_ONION NEW:BEST Port=80,unix:/run/tor/control"); /* the host's sockets */
    filtered(&list, &own, "ADD_ONION NEW:BEST Flags=Detach Port=80");       /* would outlive the sandbox */
    filtered(&list, &own, "ADD_ONION NEW:BEST Flags=NonAnonymous Port=80");
    filtered(&list, &own, "ADD_ONION NEW:BEST");                            /* no port */
    filtered(&list, &own, "ADD_ONION Port=80 NEW:BEST");
    filtered(&list, &own, "ADD_ONION NEW:RSA1024 Port=80");
    filtered(&list, &own, "ADD_ONION NEW:BEST Port=80 ClientAuth=bob");
    /* DEL_ONION: only what this app made */
    filtered(&list, &own, "DEL_ONION abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefab");
    struct reply_state st = {.kind = REPLY_ADD_ONION};
    const char *reply[] = {"250-ServiceID=abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefab",
                           "250-PrivateKey=ED25519-V3:xyz", "250 OK"};
    for (size_t i = 0; i < 3; i++) {
        char *shown = control_reply_line(&own, &st, reply[i]);
        assert_string_equal(shown, reply[i]);
        free(shown);
    }
    assert_true(st.done);
    struct decision d;
    control_decide(&list, &own, "DEL_ONION abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefab", &d);
    assert_int_equal(d.verdict, VERDICT_FORWARD);
    struct reply_state del = {.kind = REPLY_DEL_ONION, .onion = d.onion};
    free(control_reply_line(&own, &del, "250 OK"));
    decision_clear(&d);
    filtered(&list, &own, "DEL_ONION abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefab");
    control_owned_clear(&own);
    control_allowlist_clear(&list);
}

/* Feeds lines to the event reader; returns how many were shown. */
static int events_shown(struct control_owned *own, const char *const *lines, size_t n)
{
    struct event_state st = {0};
    int shown = 0;
    for (size_t i = 0; i < n; i++) {
        char *line = control_event_line(own, &st, lines[i]);
        shown += line != NULL;
        free(line);
    }
    return shown;
}

static void only_its_own_streams_and_circuits(void **state)
{
    (void)state;
    struct control_owned own = {.address = SANDBOX, .events = strdup("STREAM CIRC")};
    const char *const mine[] = {
        "650 STREAM 21 NEW 0 10.20.0.5:80 SOURCE_ADDR=10.118.0.2:40000 PURPOSE=USER",
        "650 STREAM 21 SENTCONNECT 7 10.20.0.5:80",
        "650 CIRC 7 EXTENDED $AAAA~a,$BBBB~b",
    };
    const char *const theirs[] = {
        "650 STREAM 22 NEW 0 10.20.0.5:80 SOURCE_ADDR=10.118.0.6:40000 PURPOSE=USER",
        "650 STREAM 22 SENTCONNECT 9 10.20.0.5:80",
        "650 CIRC 9 EXTENDED $AAAA~a,$CCCC~c",
        "650 STREAM 23 NEW 0 10.20.0.5:80 SOURCE_ADDR=10.118.0.22:1 PURPOSE=USER", /* a prefix of .2 is not .2 */
        "650 CIRC 8 BUILT $AAAA~a",
    };
    assert_int_equal(events_shown(&own, mine, 3), 3);
    assert_int_equal(events_shown(&own, theirs, 5), 0);

    /* circuit-status, as tor writes it for several circuits and for one */
    struct reply_state st = {.kind = REPLY_GETINFO};
    const char *const several[] = {"250+circuit-status=", "7 BUILT $AAAA~a,$BBBB~b PURPOSE=GENERAL",
                                   "9 BUILT $AAAA~a,$CCCC~c PURPOSE=GENERAL", ".", "250 OK"};
    int shown = 0;
    for (size_t i = 0; i < 5; i++) {
        char *line = control_reply_line(&own, &st, several[i]);
        if (line && strncmp(line, "9 ", 2) == 0)
            fail_msg("another sandbox's circuit shown: %s", line);
        shown += line != NULL;
        free(line);
    }
    assert_int_equal(shown, 4);
    assert_true(st.done);
    struct reply_state one = {.kind = REPLY_GETINFO};
    char *line = control_reply_line(&own, &one, "250-circuit-status=9 BUILT $AAAA~a,$CCCC~c PURPOSE=GENERAL");
    assert_string_equal(line, "250-circuit-status=");
    free(line);
    line = control_reply_line(&own, &one, "250-stream-status=21 SUCCEEDED 7 10.20.0.5:80");
    assert_string_equal(line, "250-stream-status=21 SUCCEEDED 7 10.20.0.5:80");
    free(line);

    /* events not asked for, and events of several lines, are not shown */
    free(own.events);
    own.events = strdup("CIRC");
    const char *const unasked[] = {"650 STREAM 21 SUCCEEDED 7 10.20.0.5:80", "650-NS", "650+xyz", "r 1 2", ".",
                                   "650 OK"};
    assert_int_equal(events_shown(&own, unasked, 6), 0);

    /* STATUS_CLIENT: Tor's own state, never what another app asked for */
    free(own.events);
    own.events = strdup("STATUS_CLIENT");
    const char *const tor_state[] = {"650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=45 TAG=loading_descriptors",
                                 "650 STATUS_CLIENT NOTICE CIRCUIT_ESTABLISHED"};
    const char *const others[] = {"650 STATUS_CLIENT WARN DANGEROUS_SOCKS PROTOCOL=SOCKS4 ADDRESS=203.0.113.10:80",
                                  "650 STATUS_CLIENT WARN SOCKS_BAD_HOSTNAME HOSTNAME=secret.example",
                                  "650 STATUS_CLIENT WARN SOCKS_UNKNOWN_PROTOCOL DATA=\"GET /\""};
    assert_int_equal(events_shown(&own, tor_state, 2), 2);
    assert_int_equal(events_shown(&own, others, 3), 0);
    control_owned_clear(&own);
}

static void what_it_costs_and_tells(void **state)
{
    (void)state;
    struct control_allowlist browser = load(tor_browser), share = load(onionshare);
    struct control_owned own = {.address = SANDBOX};
    /* tor is asked for every stream only where the app may see its own */
    assert_true(control_tracks_streams(&browser));
    assert_false(control_tracks_streams(&share));
    char *up = control_upstream_setevents("HS_DESC ", false);
    assert_string_equal(up, "SETEVENTS HS_DESC\r\n");
    free(up);
    up = control_upstream_setevents("STATUS_CLIENT ", true);
    assert_string_equal(up, "SETEVENTS STREAM CIRC STATUS_CLIENT\r\n");
    free(up);

    /* a stuck bootstrap names the relay it is stuck on: never passed on */
    static const char stuck[] = "NOTICE BOOTSTRAP PROGRESS=10 TAG=conn_done SUMMARY=\"Connected to a relay\" "
                                "WARNING=\"Connection refused\" REASON=CONNECTREFUSED COUNT=3 RECOMMENDATION=warn "
                                "HOSTID=\"AAAA\" HOSTADDR=\"192.0.2.77:443\"";
    char *event = xasprintf("650 STATUS_CLIENT %s", stuck);
    free(own.events);
    own.events = strdup("STATUS_CLIENT");
    struct event_state es = {0};
    char *shown = control_event_line(&own, &es, event);
    assert_string_equal(shown, "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=10 TAG=conn_done "
                               "SUMMARY=\"Connected to a relay\"");
    free(shown);
    free(event);
    struct reply_state rs = {.kind = REPLY_GETINFO};
    char *reply = xasprintf("250-status/bootstrap-phase=%s", stuck);
    shown = control_reply_line(&own, &rs, reply);
    assert_string_equal(shown, "250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=10 TAG=conn_done "
                               "SUMMARY=\"Connected to a relay\"");
    free(shown);
    free(reply);

    /* HS_DESC: the service's side only; a look-up of it is someone visiting */
    own.onions = calloc(1, sizeof *own.onions);
    own.onions[own.n_onions++] = strdup("abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefab");
    free(own.events);
    own.events = strdup("HS_DESC");
    const char *const service[] = {
        "650 HS_DESC UPLOAD abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefab UNKNOWN $AAAA~a",
        "650 HS_DESC UPLOADED abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefab UNKNOWN $AAAA~a",
        "650 HS_DESC FAILED abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefab UNKNOWN $AAAA~a "
        "REASON=UPLOAD_REJECTED"};
    const char *const visits[] = {
        "650 HS_DESC REQUESTED abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefab NO_AUTH $AAAA~a",
        "650 HS_DESC RECEIVED abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefab NO_AUTH $AAAA~a",
        "650 HS_DESC FAILED abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefab NO_AUTH $AAAA~a "
        "REASON=NOT_FOUND"};
    assert_int_equal(events_shown(&own, service, 3), 3);
    assert_int_equal(events_shown(&own, visits, 3), 0);

    /* onion services: a few per connection, not thousands */
    while (own.n_onions < CONTROL_MAX_ONIONS) {
        own.onions = realloc(own.onions, (own.n_onions + 1) * sizeof *own.onions);
        own.onions[own.n_onions] = xasprintf("%056zu", own.n_onions);
        own.n_onions++;
    }
    char *out = decided(&share, &own, "ADD_ONION NEW:BEST Port=80", VERDICT_ANSWER);
    assert_string_equal(out, "551 Too many onion services for this app\r\n");
    free(out);
    control_owned_clear(&own);
    control_allowlist_clear(&browser);
    control_allowlist_clear(&share);
}

static void allowlist_errors_name_the_line(void **state)
{
    (void)state;
    static const struct {
        const char *text, *says;
    } bad[] = {
        {"[allow]\ngetinfo = version\n", "port is missing"},
        {"[filter]\nport = 9152\n[allow]\nsignal = HALT\n", "test.conf:4: "},
        {"[filter]\nport = 9152\n[allow]\nevents = ADDRMAP\n", "cannot be allowed"},
        {"[filter]\nport = 9152\n[allow]\ngetconf = x\n", "test.conf:4: "},
        {"[filter]\nport = 0\n", "1 to 65535"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct control_allowlist list;
        char *err = NULL;
        assert_false(control_allowlist_load_string(&list, bad[i].text, "test.conf", &err));
        if (!strstr(err, bad[i].says))
            fail_msg("'%s' does not say '%s'", err, bad[i].says);
        free(err);
        control_allowlist_clear(&list);
    }
    assert_true(control_allowlist_name_valid("tor-browser"));
    assert_false(control_allowlist_name_valid("../x"));
    assert_false(control_allowlist_name_valid(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commands_by_allowlist),
        cmocka_unit_test(onion_services_point_at_the_sandbox),
        cmocka_unit_test(only_its_own_streams_and_circuits),
        cmocka_unit_test(what_it_costs_and_tells),
        cmocka_unit_test(allowlist_errors_name_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
