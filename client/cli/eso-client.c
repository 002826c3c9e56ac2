/*
 * eso-client: run one ESO Logs operation through libesologs and print its data.
 * Flag parsing only; every decision is the library's.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esologs/esologs.h>

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage: eso-client [OPTION]... OPERATION [--var NAME=VALUE]...\n"
            "Run OPERATION (one of the 39 compiled-in ESO Logs queries, e.g. getGuildById)\n"
            "with the resilient client, print the answer's data as JSON on stdout and one\n"
            "event per line on stderr.\n"
            "\n"
            "  --url URL              GraphQL endpoint (default %s)\n"
            "  --token-url URL        OAuth token endpoint (default %s)\n"
            "  --timeout S            total timeout of one attempt, in seconds (default 30)\n"
            "  --retries N            retries after the first attempt (default 3)\n"
            "  --no-retry             one attempt only\n"
            "  --jitter KIND          none | full | equal | decorrelated (default full)\n"
            "  --breaker-threshold N  consecutive failures that open the breaker (default 5)\n"
            "  --log json|text        format of stderr (default json)\n"
            "  --token TOKEN          use this bearer token instead of ESOLOGS_ID/ESOLOGS_SECRET\n"
            "  --var NAME=VALUE       a variable, typed by the operation's declaration\n"
            "  --list                 list the operations and exit\n"
            "  -h, --help             show this help and exit\n"
            "      --version          show the version and exit\n"
            "\n"
            "Credentials: --token, else ESOLOGS_ID and ESOLOGS_SECRET (client credentials).\n"
            "ESO_TIME_SCALE multiplies every duration (as eso-mock's --time-scale); --timeout\n"
            "and the defaults are in scenario time. Times printed in events are real\n"
            "milliseconds, the scale applied: elapsed_ms, duration_ms and delay_ms in JSON,\n"
            "\"[12.345 ms]\", took=, delay= and age= (ms) in text.\n"
            "\n"
            "stderr: with --log json every line is a JSON object, ending on failure with\n"
            "{\"event\":\"exit\",\"status\":...,\"exit_code\":N,\"detail\":...}; with --log text\n"
            "every line is text, ending on failure with \"eso-client: WHAT: DETAIL (exit N)\".\n"
            "Server text is printed with control characters escaped (\\n, \\x1b, ...).\n"
            "A usage error prints one line and a hint, as text, and exits 2.\n"
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

/* Write @p s with C0 controls and DEL as \xHH: a message quoting an argument stays one line. */
static void put_escaped(FILE *fp, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f)
            fprintf(fp, "\\x%02x", *p);
        else
            fputc(*p, fp);
    }
}

/* A usage error, GNU style: one line naming it, one pointing at --help. Returns 2. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    char msg[ESO_DETAIL_SIZE + 128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fputs("eso-client: ", stderr);
    put_escaped(stderr, msg);
    fputs("\nTry 'eso-client --help' for more information.\n", stderr);
    return 2;
}

/* A failure of the run: a JSON exit line with --log json, else a text line. Returns the code. */
static int run_error(bool json, enum eso_status st, const char *detail)
{
    int code = eso_status_exit_code(st);
    if (json) {
        cJSON *line = cJSON_CreateObject();
        cJSON_AddStringToObject(line, "event", "exit");
        cJSON_AddStringToObject(line, "status", eso_status_name(st));
        cJSON_AddNumberToObject(line, "exit_code", code);
        cJSON_AddStringToObject(line, "detail", detail);
        char *text = cJSON_PrintUnformatted(line);
        fprintf(stderr, "%s\n", text != NULL ? text : "{\"event\":\"exit\"}");
        cJSON_free(text);
        cJSON_Delete(line);
    } else {
        fprintf(stderr, "eso-client: %s: ", eso_strerror(st));
        put_escaped(stderr, detail);
        fprintf(stderr, " (exit %d)\n", code);
    }
    return code;
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
        /* The leading ':' tells a missing value (':') from an unknown option ('?'). */
        int c = getopt_long(argc, argv, ":h", longopts, NULL);
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
                code = usage_error("--timeout wants seconds > 0, got '%s'", optarg);
                goto out;
            }
            opts.read_timeout_ms = opts.timeout_ms;
            break;
        case OPT_RETRIES:
            if (parse_count(optarg, 100, &n) != 0) {
                code = usage_error("--retries wants 0..100, got '%s'", optarg);
                goto out;
            }
            opts.max_attempts = n + 1;
            break;
        case OPT_NO_RETRY:
            opts.max_attempts = 1;
            break;
        case OPT_JITTER:
            if (eso_jitter_from_name(optarg, &opts.jitter) != ESO_OK) {
                code = usage_error("--jitter wants none, full, equal or decorrelated, got '%s'",
                                   optarg);
                goto out;
            }
            break;
        case OPT_BREAKER:
            if (parse_count(optarg, 1000000, &n) != 0 || n == 0) {
                code = usage_error("--breaker-threshold wants a count >= 1, got '%s'", optarg);
                goto out;
            }
            opts.breaker_threshold = n;
            break;
        case OPT_LOG:
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                code = usage_error("--log wants json or text, got '%s'", optarg);
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
            /* The library loaded may be another release than the headers built against. */
            printf("eso-client %s (libesologs %s)\n", ESO_VERSION_STR, eso_version_string());
            code = 0;
            goto out;
        case 'h':
        case OPT_HELP:
            usage(stdout);
            code = 0;
            goto out;
        case ':':
            code = usage_error("option '%s' needs a value", argv[optind - 1]);
            goto out;
        default:
            if (optopt != 0 && optopt < OPT_URL)
                code = usage_error("unknown option '-%c'", optopt);
            else
                code = usage_error("unknown or ambiguous option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    if (optind >= argc) {
        code = usage_error("missing OPERATION (eso-client --list shows them)");
        goto out;
    }
    if (optind < argc - 1) {
        code = usage_error("one OPERATION only, got '%s' and '%s'", argv[optind], argv[optind + 1]);
        goto out;
    }
    const char *operation = argv[optind];
    if (eso_operation_document(operation) == NULL) {
        code = usage_error("unknown operation '%s' (eso-client --list shows them)", operation);
        goto out;
    }

    enum eso_status st = eso_variables_from_strings(operation, vars, nvars, &variables, err);
    if (st == ESO_OUT_OF_MEMORY) {
        code = run_error(json_log, st, "while typing the variables");
        goto out;
    }
    if (st != ESO_OK) {
        code = usage_error("%s", err[0] ? err : eso_strerror(st));
        goto out;
    }
    opts.on_event = json_log ? eso_event_log_json : eso_event_log_text;
    opts.event_userdata = stderr;
    st = eso_client_create(&opts, &client, err);
    if (st == ESO_BAD_ARGUMENT) {
        code = usage_error("%s", err[0] ? err : eso_strerror(st)); /* from a flag's value */
        goto out;
    }
    if (st != ESO_OK) {
        code = run_error(json_log, st, err[0] ? err : "the client could not be created");
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
    if (st != ESO_OK)
        code = run_error(json_log, st, res.detail);

out:
    eso_result_finish(&res);
    eso_client_destroy(client);
    cJSON_Delete(variables);
    free(vars);
    return code;
}
