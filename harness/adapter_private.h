/*
 * A client adapter: any program, in any language, that makes the calls a scenario lists when
 * told to and says how each ended, speaking eso-adapter/1 (JSON lines on its stdin and stdout,
 * docs/harness.md). One process per scenario, so a breaker's state lives across the calls.
 */
#ifndef ESOHARNESS_ADAPTER_PRIVATE_H
#define ESOHARNESS_ADAPTER_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#define ESOH__ADAPTER_PROTOCOL "eso-adapter/1"
/* The longest line an adapter may write (an answer's data included). */
#define ESOH__ADAPTER_MAX_LINE (4u * 1024u * 1024u)
/* What is kept of an adapter's stderr for the report: its first and last bytes. */
#define ESOH__ADAPTER_STDERR_KEEP (32u * 1024u)

struct esoh__adapter;

/* What the adapter is told in its environment and its hello line. */
struct esoh__adapter_setup {
    const char *command;       /* run by /bin/sh -c */
    const char *api_url;       /* ESOLOGS_API_URL */
    const char *token_url;     /* ESOLOGS_TOKEN_URL */
    const char *client_id;     /* ESOLOGS_ID */
    const char *client_secret; /* ESOLOGS_SECRET: never shown in what is kept of stderr */
    double time_scale;         /* ESO_TIME_SCALE */
    const char *scenario;      /* the scenario's name, in the hello line */
    double ready_ms;           /* real ms to wait for its ready line */
};

/*
 * Start the adapter and wait for its ready line. On failure @p err says why in a line a person
 * can act on (the command did not start, died, wrote something else, said nothing), and
 * *out is NULL.
 */
int esoh__adapter_start(const struct esoh__adapter_setup *setup, struct esoh__adapter **out,
                        char *err, size_t size);

/* Send one line (cJSON, printed compact). -1 with @p err when the adapter cannot take it. */
int esoh__adapter_send(struct esoh__adapter *a, const cJSON *line, char *err, size_t size);

/*
 * Read the next result line, waiting at most @p timeout_ms real ms. 1: *out holds it (a
 * {"type":"result"} object the caller frees). 0: nothing came in time. -1: the adapter died,
 * closed its stdout or wrote a line that is not a result; @p err says which.
 */
int esoh__adapter_read(struct esoh__adapter *a, double timeout_ms, cJSON **out, char *err,
                       size_t size);

/*
 * End the adapter: close its stdin (its cue to exit), wait up to @p grace_ms, then end its
 * process group (SIGTERM, then SIGKILL). Frees @p a. NULL is a no-op.
 * @param status  optional: what became of it ("exited 0", "killed by signal 9", ...).
 * @param stderr_text  optional: receives a malloc'd copy of what it wrote on stderr (its
 *                     first and last ESOH__ADAPTER_STDERR_KEEP bytes, the secret masked);
 *                     the caller frees it.
 */
void esoh__adapter_stop(struct esoh__adapter *a, double grace_ms, char *status, size_t size,
                        char **stderr_text);

#endif
