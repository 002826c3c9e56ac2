/*
 * eso-client: run one ESO Logs operation through libesologs and print its data.
 * Flag parsing only; every decision is the library's.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esologs/esologs.h>

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: eso-client [--url URL] [--token-url URL] [--timeout S] [--retries N]\n"
            "                  [--no-retry] [--jitter KIND] [--breaker-threshold N]\n"
            "                  [--log json|text] [--token TOKEN] OPERATION [--var NAME=VALUE ...]\n"
            "\n"
            "Runs OPERATION (one of the 39 compiled-in ESO Logs queries, e.g. getGuildById)\n"
            "with the resilient client, prints the answer's data as JSON on stdout and one\n"
            "event per line on stderr.\n"
            "\n"
            "  --url URL              GraphQL endpoint (default %s)\n"
            "  --token-url URL        OAuth token endpoint (default %s)\n"
            "  --timeout S            total timeout of one attempt, seconds (default 30)\n"
            "  --retries N            retries after the first attempt (default 3)\n"
            "  --no-retry             one attempt only\n"
            "  --jitter KIND          none | full | equal | decorrelated (default full)\n"
            "  --breaker-threshold N  consecutive failures that open the breaker (default 5)\n"
            "  --log json|text        event format on stderr (default json)\n"
            "  --token TOKEN          use this bearer token instead of ESOLOGS_ID/ESOLOGS_SECRET\n"
            "  --var NAME=VALUE       a variable, typed by the operation's declaration\n"
            "  --list                 list the operations and exit\n"
            "  --version, --help\n"
            "\n"
            "Credentials: --token, else ESOLOGS_ID and ESOLOGS_SECRET (client credentials).\n"
            "ESO_TIME_SCALE multiplies every duration (as eso-mock's --time-scale).\n"
            "\n"
            "Exit codes: 0 ok, 1 internal error, 2 usage or unknown operation, 3 connect failed,\n"
            "4 timeout, 5 connection dropped/reset/truncated, 6 rate limited (429),\n"
            "7 server error (5xx), 8 auth (401, token refused, no credentials),\n"
            "9 malformed or oversized response, 10 GraphQL error, 11 circuit breaker open,\n"
            "12 retry budget exhausted, 13 deadline exceeded, 14 other HTTP status,\n"
            "15 other transport error, 16 no free connection (pool timeout),\n"
            "17 transient GraphQL error (rate limit or server trouble in a 200; try later),\n"
            "18 protocol error (an answer no valid server sends, e.g. a bad access token).\n"
            "Whatever data came back (also partial data next to GraphQL errors) is printed.\n",
            ESO_DEFAULT_API_URL, ESO_DEFAULT_TOKEN_URL);
}

static int parse_seconds_ms(const char *s, uint32_t *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v <= 0 || v > 4e6)
        return -1;
    *out = (uint32_t)(v * 1000.0 + 0.5);
    if (*out == 0)
        *out = 1;
    return 0;
}

static int parse_count(const char *s, unsigned max, unsigned *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v > max)
        return -1;
    *out = (unsigned)v;
    return 0;
}

int main(int argc, char **argv)
{
    enum {
        OPT_URL = 256,
        OPT_TOKEN_URL,
        OPT_TIMEOUT,
        OPT_RETRIES,
        OPT_NO_RETRY,
        OPT_JITTER,
        OPT_BREAKER,
        OPT_LOG,
        OPT_VAR,
        OPT_TOKEN,
        OPT_LIST,
        OPT_VERSION,
        OPT_HELP
    };
    static const struct option longopts[] = {
        {"url", required_argument, NULL, OPT_URL},
        {"token-url", required_argument, NULL, OPT_TOKEN_URL},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"retries", required_argument, NULL, OPT_RETRIES},
        {"no-retry", no_argument, NULL, OPT_NO_RETRY},
        {"jitter", required_argument, NULL, OPT_JITTER},
        {"breaker-threshold", required_argument, NULL, OPT_BREAKER},
        {"log", required_argument, NULL, OPT_LOG},
        {"var", required_argument, NULL, OPT_VAR},
        {"token", required_argument, NULL, OPT_TOKEN},
        {"list", no_argument, NULL, OPT_LIST},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    struct eso_options opts = {0};
    const char **vars = calloc((size_t)argc + 1, sizeof *vars);
    size_t nvars = 0;
    bool json_log = true;
    int code = 2;
    struct eso_client *client = NULL;
    cJSON *variables = NULL;
    struct eso_result res = {0};
    char err[ESO_DETAIL_SIZE] = "";
    if (vars == NULL)
        return 1;
    opterr = 0;

    for (;;) {
        int c = getopt_long(argc, argv, "", longopts, NULL);
        if (c == -1)
            break;
        unsigned n = 0;
        switch (c) {
        case OPT_URL:
            opts.api_url = optarg;
            break;
        case OPT_TOKEN_URL:
            opts.token_url = optarg;
            break;
        case OPT_TIMEOUT:
            if (parse_seconds_ms(optarg, &opts.timeout_ms) != 0) {
                fprintf(stderr, "eso-client: --timeout wants seconds > 0, got '%s'\n", optarg);
                goto out;
            }
            opts.read_timeout_ms = opts.timeout_ms;
            break;
        case OPT_RETRIES:
            if (parse_count(optarg, 100, &n) != 0) {
                fprintf(stderr, "eso-client: --retries wants 0..100, got '%s'\n", optarg);
                goto out;
            }
            opts.max_attempts = n + 1;
            break;
        case OPT_NO_RETRY:
            opts.max_attempts = 1;
            break;
        case OPT_JITTER:
            if (eso_jitter_from_name(optarg, &opts.jitter) != ESO_OK) {
                fprintf(stderr, "eso-client: --jitter wants none|full|equal|decorrelated\n");
                goto out;
            }
            break;
        case OPT_BREAKER:
            if (parse_count(optarg, 1000000, &n) != 0 || n == 0) {
                fprintf(stderr, "eso-client: --breaker-threshold wants a count >= 1\n");
                goto out;
            }
            opts.breaker_threshold = n;
            break;
        case OPT_LOG:
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                fprintf(stderr, "eso-client: --log wants json or text\n");
                goto out;
            }
            json_log = strcmp(optarg, "json") == 0;
            break;
        case OPT_VAR:
            vars[nvars++] = optarg;
            break;
        case OPT_TOKEN:
            opts.bearer_token = optarg;
            break;
        case OPT_LIST:
            for (size_t i = 0; i < eso_operation_count(); i++)
                printf("%s\n", eso_operation_name(i));
            code = 0;
            goto out;
        case OPT_VERSION:
            printf("eso-client %s\n", ESO_VERSION_STR);
            code = 0;
            goto out;
        case OPT_HELP:
            usage(stdout);
            code = 0;
            goto out;
        default:
            fprintf(stderr, "eso-client: unknown or incomplete option '%s'\n", argv[optind - 1]);
            usage(stderr);
            goto out;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        goto out;
    }
    const char *operation = argv[optind];

    enum eso_status st = eso_variables_from_strings(operation, vars, nvars, &variables, err);
    if (st != ESO_OK) {
        fprintf(stderr, "eso-client: %s\n", err[0] ? err : eso_strerror(st));
        code = eso_status_exit_code(st);
        goto out;
    }
    opts.on_event = json_log ? eso_event_log_json : eso_event_log_text;
    opts.event_userdata = stderr;
    st = eso_client_create(&opts, &client, err);
    if (st != ESO_OK) {
        fprintf(stderr, "eso-client: %s\n", err[0] ? err : eso_strerror(st));
        code = eso_status_exit_code(st);
        goto out;
    }

    st = eso_query(client, operation, NULL, variables, &res);
    code = eso_status_exit_code(st);
    /* Partial data next to GraphQL errors is still the caller's answer. */
    if (st == ESO_OK || res.data != NULL) {
        char *text = cJSON_Print(res.data);
        printf("%s\n", text != NULL ? text : "null");
        cJSON_free(text);
    }
    if (st != ESO_OK && json_log) {
        cJSON *line = cJSON_CreateObject();
        cJSON_AddStringToObject(line, "event", "exit");
        cJSON_AddStringToObject(line, "status", eso_status_name(st));
        cJSON_AddNumberToObject(line, "exit_code", code);
        cJSON_AddStringToObject(line, "detail", res.detail);
        char *text = cJSON_PrintUnformatted(line);
        fprintf(stderr, "%s\n", text != NULL ? text : "{\"event\":\"exit\"}");
        cJSON_free(text);
        cJSON_Delete(line);
    } else if (st != ESO_OK) {
        fprintf(stderr, "eso-client: %s: %s (exit %d)\n", eso_strerror(st), res.detail, code);
    }

out:
    eso_result_finish(&res);
    eso_client_destroy(client);
    cJSON_Delete(variables);
    free(vars);
    return code;
}
