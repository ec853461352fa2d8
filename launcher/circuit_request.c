/* See circuit_request.h. */
#include "circuit_request.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_protocol.h"
#include "util.h"

#define ANSWER_TIMEOUT_MS 10000

int tor_new_circuit(const char *socket_path, const char *address, long id, const char *command, long long started)
{
    autoclose int fd = control_connect_unix(socket_path);
    if (fd < 0)
        die("new-circuit: nothing answers on %s (%s); start the control port filter (systemctl start "
            "torgate-control-filter)",
            socket_path, strerror(errno));
    autofree char *request = xasprintf("NEWCIRCUIT %s\r\n", address);
    if (!send_all(fd, request, strlen(request)))
        die_with_error("new-circuit: cannot ask the control port filter on %s", socket_path);
    struct line_reader *r = xcalloc(1, sizeof *r); /* its buffer is large */
    r->fd = fd;
    autofree char *answer = line_read(r, ANSWER_TIMEOUT_MS);
    free(r);
    if (!answer)
        die("new-circuit: the control port filter on %s did not answer", socket_path);
    for (char *c = answer; *c; c++)
        if ((unsigned char)*c < ' ' || *c == 0x7f)
            *c = '?';
    if (strncmp(answer, "250 OK ", 7) != 0)
        die("new-circuit: sandbox %ld (%s): the control port filter refused: %s", id, command,
            strlen(answer) > 4 ? answer + 4 : answer);
    /* "250 OK N circuits closed; streams known since T" */
    char *since = strstr(answer, "; streams known since ");
    long long known = since ? strtoll(since + 22, NULL, 10) : LLONG_MAX;
    if (since)
        *since = '\0';
    if (known > started)
        die("new-circuit: sandbox %ld (%s): %s, but the control port filter follows Tor's streams only since "
            "after the sandbox started: circuits it used before may stay; restart the app for new ones",
            id, command, answer + 7);
    printf("new circuits for %ld (%s): %s; its next connections go through circuits it never used\n", id, command,
           answer + 7);
    return 0;
}
