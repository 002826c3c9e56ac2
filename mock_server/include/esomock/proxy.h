/*
 * eso-mock in front of a real ESO Logs API: GraphQL requests no fixture answers are
 * forwarded to an upstream (its own OAuth token, never the client's), scenario faults apply
 * to the upstream's answers as to fixture answers, and the answers may be recorded as
 * fixtures (docs/mock.md, "Proxy and record").
 * Thread safety: read once by esomock_server_start(); the server does the rest.
 */
#ifndef ESOMOCK_PROXY_H
#define ESOMOCK_PROXY_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Where to forward, and what to record. Zero-initialise, then set url, client_id and
 * client_secret (all three are required). Every pointer is borrowed for
 * esomock_server_start() only: the server copies what it keeps.
 */
struct esomock_proxy_options {
    const char *url;           /* the upstream's base URL, http:// or https://, e.g.
                                  "https://www.esologs.com": GraphQL requests go to
                                  URL/api/v2/client, tokens come from URL/oauth/token */
    const char *token_url;     /* the upstream's token endpoint; NULL = URL/oauth/token */
    const char *client_id;     /* eso-mock's own client credentials at the upstream (the CLI */
    const char *client_secret; /* reads ESOLOGS_ID and ESOLOGS_SECRET); the secret and the
                                  tokens it buys are never logged, journaled or recorded */
    unsigned timeout_ms;       /* bound on each upstream transfer (a token fetch, a forward),
                                  connecting included; past it the client gets 504; 0 = 30000 */
    const char *record_dir;    /* an existing directory: each upstream answer is stored there as
                                  fixtures keyed by field and arguments; NULL = no recording */
};

#ifdef __cplusplus
}
#endif

#endif
