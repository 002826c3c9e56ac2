/* eso-mock: command-line front end to libesomock. Flag parsing only; the server is the library. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esomock/proxy.h>
#include <esomock/scenario.h>
#include <esomock/server.h>
#include <esomock/version.h>
#include <esomock/world.h>

/*
 * Sections of scenario files that other programs own. eso-mock does not know their
 * vocabulary, so it plays the fault script and says the section went unchecked.
 */
static const struct esomock_section foreign_sections[] = {
    {.key = "expect", .checked_by = "eso-scenario check validates it"},
};
#define FOREIGN_SECTION_COUNT (sizeof(foreign_sections) / sizeof(foreign_sections[0]))

static void usage(FILE *to)
{
    fprintf(
        to,
        "Usage: eso-mock [OPTION]...\n"
        "       eso-mock check [--fixtures DIR] [--world WORLD.json]... [SCENARIO.json]...\n"
        "A mock ESO Logs API v2 server: GraphQL operations answered from fixtures,\n"
        "OAuth client-credentials tokens, and (with --scenario) scripted faults.\n"
        "\n"
        "  --host ADDR          address to bind (default 127.0.0.1; 0.0.0.0 or :: for all)\n"
        "  --port N             TCP port (default 8080; 0 picks a free one)\n"
        "  --port-file FILE     write the bound port to FILE once listening\n"
        "  --fixtures DIR       fixture directory (default: %s)\n"
        "  --scenario FILE      fault scenario to play (JSON; see scenarios/README.md)\n"
        "  --watch              reload --scenario FILE when it changes (a bad edit is refused)\n"
        "  --journal FILE       append every completed request to FILE as a JSON line\n"
        "  --journal-capacity N requests kept for GET /__admin/requests (default 10000;\n"
        "                       admin requests have a ring of their own)\n"
        "  --blackhole          also open a port that never accepts (connect timeouts);\n"
        "                       its URL is the second line on stdout\n"
        "  --admin-token T      let non-loopback clients use /__admin/ with Bearer T\n"
        "  --seed N             seed for random faults (same seed, same faults)\n"
        "  --time-scale F       multiply every duration the server applies (e.g. 0.01)\n"
        "  --strict-auth        accept only bearer tokens issued by this server, unexpired\n"
        "                       (every live token is kept, up to 100000 at once)\n"
        "  --world FILE         the data world behind the fixtures (JSON; docs/world.md);\n"
        "                       'none' for the fixtures alone (default: the default world)\n"
        "  --strict-fixtures    a selected field no fixture gives is a GraphQL error naming\n"
        "                       the fixture and the path (default: generated values); with\n"
        "                       no --world it also turns the default world off\n"
        "  --request-cache N    request bodies kept with their answers, so the same body\n"
        "                       again is answered at once (default 512; 0: none)\n"
        "  --token-ttl S        expires_in of issued tokens in seconds (default 3600)\n"
        "  --client-id ID       require this OAuth client id (default: any)\n"
        "  --client-secret S    require this OAuth client secret (default: any)\n"
        "  --max-body BYTES     largest request body accepted (default 1048576)\n"
        "  --threads N          worker threads (default 2)\n"
        "  --max-connections N  concurrent connections, hung ones included (default 4096,\n"
        "                       1-1000000); raises the open-file limit to fit when it can\n"
        "  --idle-timeout S     close connections silent for S seconds (default 120)\n"
        "  --log FILE           request log: a file, '-' for stderr (default), 'none'\n"
        "  --proxy URL          forward GraphQL requests no fixture answers to the ESO Logs\n"
        "                       API at URL (e.g. https://www.esologs.com), with eso-mock's\n"
        "                       own token from ESOLOGS_ID and ESOLOGS_SECRET; scenario\n"
        "                       faults apply to its answers too. Without --fixtures, no\n"
        "                       fixtures are loaded (everything goes upstream)\n"
        "  --proxy-token-url U  the upstream's token endpoint (default: URL/oauth/token)\n"
        "  --proxy-timeout MS   bound on each upstream transfer; past it the client gets\n"
        "                       504 (default 30000)\n"
        "  --record DIR         with --proxy: store each upstream answer in DIR as fixtures\n"
        "                       (eso-mock --fixtures DIR replays them offline)\n"
        "  --version            print the version and exit\n"
        "  -h, --help           print this help and exit\n"
        "\n"
        "'eso-mock check' validates scenario and world files without serving: one line per\n"
        "problem (FILE: JSON.PATH: what was expected), exit 0 when all are valid, 1 otherwise.\n"
        "Fixture names are checked against --fixtures DIR (before or after the files).\n"
        "An `expect` section is eso-scenario's: eso-mock plays the fault script and says\n"
        "the section was not checked ('eso-scenario check' validates it).\n"
        "\n"
        "The first line on stdout is 'eso-mock listening on http://HOST:PORT'.\n"
        "SIGINT or SIGTERM stops the server cleanly. Exit status: 0 after a clean stop,\n"
        "1 when the server cannot start, 2 on a usage error.\n",
        esomock_default_fixtures_dir());
}

/* One line per entry of @p problems: notes to @p notes (NULL = left out), the rest to stderr. */
static void print_problems(const struct esomock_problems *problems, FILE *notes)
{
    for (size_t i = 0; i < esomock_problems_count(problems); i++) {
        const struct esomock_problem *p = esomock_problems_get(problems, i);
        FILE *to = p->note ? notes : stderr;
        if (to != NULL)
            fprintf(to, "%s%s%s%s%s\n", p->source, p->source[0] != '\0' ? ": " : "", p->path,
                    p->path[0] != '\0' ? ": " : "", p->message);
    }
}

/* A usage error, GNU style: one line saying what is wrong, one pointing at --help; exit 2. */
static int usage_error_in(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int usage_error_in(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("eso-mock: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", command);
    return 2;
}

#define usage_error(...) usage_error_in("eso-mock", __VA_ARGS__)

static void check_usage(FILE *to)
{
    fprintf(to,
            "Usage: eso-mock check [--fixtures DIR] [--world WORLD.json]... [SCENARIO.json]...\n"
            "Validate scenario and world files without serving: one line per problem on\n"
            "stderr (FILE: JSON.PATH: what was expected), then on stdout a line per part not\n"
            "checked here (FILE: expect: not checked here; eso-scenario check validates it,\n"
            "FILE: skipped: a JSON Schema...) and 'N scenario files valid' (with --world,\n"
            "'N world files valid' first).\n"
            "\n"
            "  --fixtures DIR   check fixture names against DIR (default: %s);\n"
            "                   before, between or after the files\n"
            "  --world FILE     check FILE as a world file (docs/world.md); repeatable\n"
            "  -h, --help       print this help and exit\n"
            "\n"
            "Exit status: 0 when every file is valid, 1 otherwise, 2 on a usage error.\n",
            esomock_default_fixtures_dir());
}

static bool parse_ulong(const char *text, unsigned long max, unsigned long *out)
{
    if (text == NULL || text[0] == '\0' || text[0] == '-')
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

static bool parse_positive_double(const char *text, double *out)
{
    errno = 0;
    char *end = NULL;
    double v = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(v > 0) || v > 1e6)
        return false;
    *out = v;
    return true;
}

static int write_port_file(const char *path, unsigned port)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return -1;
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    int ok = fprintf(f, "%u\n", port) > 0;
    ok = fclose(f) == 0 && ok;
    /* rename() makes the file appear whole to a reader polling for it. */
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

/* eso-mock check [--fixtures DIR] FILE...: validate scenarios, exit 0 when all are valid. */
static int check_command(int argc, char **argv)
{
    const char *fixtures = NULL;
    /* --fixtures may come before, between or after the files. */
    const char **files = calloc((size_t)argc, sizeof(*files));
    const char **worlds = calloc((size_t)argc, sizeof(*worlds));
    size_t world_count = 0;
    if (files == NULL || worlds == NULL) {
        free(files);
        free(worlds);
        fputs("eso-mock: out of memory\n", stderr);
        return 1;
    }
    size_t count = 0;
    bool options_done = false;
    int status = 2;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = true;
        } else if (!options_done && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
            check_usage(stdout);
            status = 0;
            goto out;
        } else if (!options_done && strcmp(arg, "--fixtures") == 0) {
            if (i + 1 >= argc) {
                status = usage_error_in("eso-mock check", "check: --fixtures needs a directory");
                goto out;
            }
            fixtures = argv[++i];
        } else if (!options_done && strncmp(arg, "--fixtures=", 11) == 0) {
            fixtures = arg + 11;
        } else if (!options_done && strcmp(arg, "--world") == 0) {
            if (i + 1 >= argc) {
                status = usage_error_in("eso-mock check", "check: --world needs a file");
                goto out;
            }
            worlds[world_count++] = argv[++i];
        } else if (!options_done && strncmp(arg, "--world=", 8) == 0) {
            worlds[world_count++] = arg + 8;
        } else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            status = usage_error_in("eso-mock check", "check: unknown option '%s'", arg);
            goto out;
        } else {
            files[count++] = arg;
        }
    }
    if (count == 0 && world_count == 0) {
        status = usage_error_in("eso-mock check",
                                "check needs at least one scenario file or --world file");
        goto out;
    }
    bool worlds_valid = true;
    if (world_count > 0) {
        struct esomock_problems *problems = esomock_problems_create();
        if (problems == NULL) {
            fputs("eso-mock: out of memory\n", stderr);
            status = 1;
            goto out;
        }
        for (size_t i = 0; i < world_count; i++)
            worlds_valid =
                esomock_check_world_file(worlds[i], problems) == ESOMOCK_OK && worlds_valid;
        print_problems(problems, stdout);
        esomock_problems_destroy(problems);
        if (worlds_valid)
            printf("%zu world file%s valid\n", world_count, world_count == 1 ? "" : "s");
    }
    if (count == 0) {
        status = worlds_valid ? 0 : 1;
        goto out;
    }
    size_t checked = 0;
    struct esomock_check_options opts = {
        .fixtures_dir = fixtures,
        .sections = foreign_sections,
        .section_count = FOREIGN_SECTION_COUNT,
    };
    struct esomock_problems *problems = esomock_problems_create();
    if (problems == NULL) {
        fputs("eso-mock: out of memory\n", stderr);
        status = 1;
        goto out;
    }
    enum esomock_status rc = esomock_check_scenario_files(files, count, &opts, problems, &checked);
    /* Problems on stderr; notes (what was not checked) with the verdict on stdout. */
    print_problems(problems, stdout);
    esomock_problems_destroy(problems);
    if (rc == ESOMOCK_OK)
        printf("%zu scenario file%s valid\n", checked, checked == 1 ? "" : "s");
    status = rc == ESOMOCK_OK && worlds_valid ? 0 : 1;
out:
    free(files);
    free(worlds);
    return status;
}

/* getopt_long said '?' about @p arg (opterr is off): say which of its complaints it was. */
static int bad_option(const struct option *longopts, const char *arg)
{
    if (optopt > 0 && optopt < 256)
        return usage_error("unknown option '-%c'", optopt);
    for (const struct option *o = longopts; optopt != 0 && o->name != NULL; o++) {
        if (o->val != optopt)
            continue;
        if (o->has_arg == required_argument)
            return usage_error("option '--%s' needs a value", o->name);
        return usage_error("option '--%s' takes no value", o->name);
    }
    return usage_error("unknown option '%s'", arg);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "check") == 0)
        return check_command(argc - 1, argv + 1);

    enum {
        OPT_HOST = 256,
        OPT_PORT,
        OPT_PORT_FILE,
        OPT_FIXTURES,
        OPT_SCENARIO,
        OPT_SEED,
        OPT_TIME_SCALE,
        OPT_STRICT,
        OPT_TTL,
        OPT_CLIENT_ID,
        OPT_CLIENT_SECRET,
        OPT_MAX_BODY,
        OPT_THREADS,
        OPT_LOG,
        OPT_VERSION,
        OPT_WATCH,
        OPT_JOURNAL,
        OPT_JOURNAL_CAPACITY,
        OPT_BLACKHOLE,
        OPT_ADMIN_TOKEN,
        OPT_IDLE_TIMEOUT,
        OPT_MAX_CONNECTIONS,
        OPT_STRICT_FIXTURES,
        OPT_REQUEST_CACHE,
        OPT_WORLD,
        OPT_PROXY,
        OPT_PROXY_TOKEN_URL,
        OPT_PROXY_TIMEOUT,
        OPT_RECORD,
    };
    static const struct option longopts[] = {
        {"host", required_argument, NULL, OPT_HOST},
        {"port", required_argument, NULL, OPT_PORT},
        {"port-file", required_argument, NULL, OPT_PORT_FILE},
        {"fixtures", required_argument, NULL, OPT_FIXTURES},
        {"scenario", required_argument, NULL, OPT_SCENARIO},
        {"seed", required_argument, NULL, OPT_SEED},
        {"time-scale", required_argument, NULL, OPT_TIME_SCALE},
        {"strict-auth", no_argument, NULL, OPT_STRICT},
        {"strict-fixtures", no_argument, NULL, OPT_STRICT_FIXTURES},
        {"request-cache", required_argument, NULL, OPT_REQUEST_CACHE},
        {"world", required_argument, NULL, OPT_WORLD},
        {"token-ttl", required_argument, NULL, OPT_TTL},
        {"client-id", required_argument, NULL, OPT_CLIENT_ID},
        {"client-secret", required_argument, NULL, OPT_CLIENT_SECRET},
        {"max-body", required_argument, NULL, OPT_MAX_BODY},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
        {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
        {"log", required_argument, NULL, OPT_LOG},
        {"watch", no_argument, NULL, OPT_WATCH},
        {"journal", required_argument, NULL, OPT_JOURNAL},
        {"journal-capacity", required_argument, NULL, OPT_JOURNAL_CAPACITY},
        {"blackhole", no_argument, NULL, OPT_BLACKHOLE},
        {"admin-token", required_argument, NULL, OPT_ADMIN_TOKEN},
        {"proxy", required_argument, NULL, OPT_PROXY},
        {"proxy-token-url", required_argument, NULL, OPT_PROXY_TOKEN_URL},
        {"proxy-timeout", required_argument, NULL, OPT_PROXY_TIMEOUT},
        {"record", required_argument, NULL, OPT_RECORD},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct esomock_options opts = {
        .port = 8080,
        .sections = foreign_sections,
        .section_count = FOREIGN_SECTION_COUNT,
    };
    struct esomock_proxy_options proxy = {0};
    const char *port_file = NULL, *log_path = "-", *journal_path = NULL;
    unsigned long n;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_HOST:
            opts.host = optarg;
            break;
        case OPT_PORT:
            if (!parse_ulong(optarg, 65535, &n))
                return usage_error("--port wants 0-65535, got '%s'", optarg);
            opts.port = (uint16_t)n;
            break;
        case OPT_PORT_FILE:
            port_file = optarg;
            break;
        case OPT_FIXTURES:
            opts.fixtures_dir = optarg;
            break;
        case OPT_SCENARIO:
            opts.scenario_file = optarg;
            break;
        case OPT_WATCH:
            opts.watch_scenario = true;
            break;
        case OPT_JOURNAL:
            journal_path = optarg;
            break;
        case OPT_JOURNAL_CAPACITY:
            if (!parse_ulong(optarg, 10000000, &n) || n == 0)
                return usage_error("--journal-capacity wants 1-10000000, got '%s'", optarg);
            opts.journal_capacity = n;
            break;
        case OPT_BLACKHOLE:
            opts.blackhole = true;
            break;
        case OPT_ADMIN_TOKEN:
            opts.admin_token = optarg;
            break;
        case OPT_SEED:
            if (!parse_ulong(optarg, ULONG_MAX, &n))
                return usage_error("--seed wants a non-negative integer, got '%s'", optarg);
            opts.seed = n;
            break;
        case OPT_TIME_SCALE:
            if (!parse_positive_double(optarg, &opts.time_scale))
                return usage_error("--time-scale wants a positive number, got '%s'", optarg);
            break;
        case OPT_STRICT:
            opts.strict_auth = true;
            break;
        case OPT_STRICT_FIXTURES:
            opts.strict_fixtures = true;
            break;
        case OPT_WORLD:
            opts.world_file = optarg;
            break;
        case OPT_REQUEST_CACHE:
            if (!parse_ulong(optarg, 1000000, &n))
                return usage_error("--request-cache wants 0 to 1000000 bodies, got '%s'", optarg);
            opts.request_cache = n == 0 ? -1 : (int)n;
            break;
        case OPT_TTL:
            if (!parse_ulong(optarg, 10u * 365 * 24 * 3600, &n) || n == 0)
                return usage_error("--token-ttl wants seconds > 0, got '%s'", optarg);
            opts.token_ttl_s = (unsigned)n;
            break;
        case OPT_CLIENT_ID:
            opts.client_id = optarg;
            break;
        case OPT_CLIENT_SECRET:
            opts.client_secret = optarg;
            break;
        case OPT_MAX_BODY:
            if (!parse_ulong(optarg, 1024ul * 1024 * 1024, &n) || n == 0)
                return usage_error("--max-body wants 1 to 1073741824 bytes, got '%s'", optarg);
            opts.max_body_bytes = n;
            break;
        case OPT_THREADS:
            if (!parse_ulong(optarg, 256, &n) || n == 0)
                return usage_error("--threads wants 1-256, got '%s'", optarg);
            opts.threads = (unsigned)n;
            break;
        case OPT_IDLE_TIMEOUT:
            if (!parse_ulong(optarg, 86400, &n) || n == 0)
                return usage_error("--idle-timeout wants 1-86400 seconds, got '%s'", optarg);
            opts.idle_timeout_s = (unsigned)n;
            break;
        case OPT_MAX_CONNECTIONS:
            if (!parse_ulong(optarg, 1000000, &n) || n == 0)
                return usage_error("--max-connections wants 1-1000000, got '%s'", optarg);
            opts.max_connections = (unsigned)n;
            break;
        case OPT_LOG:
            log_path = optarg;
            break;
        case OPT_PROXY:
            proxy.url = optarg;
            break;
        case OPT_PROXY_TOKEN_URL:
            proxy.token_url = optarg;
            break;
        case OPT_PROXY_TIMEOUT:
            if (!parse_ulong(optarg, 3600000, &n) || n == 0)
                return usage_error("--proxy-timeout wants 1 to 3600000 ms, got '%s'", optarg);
            proxy.timeout_ms = (unsigned)n;
            break;
        case OPT_RECORD:
            proxy.record_dir = optarg;
            break;
        case OPT_VERSION:
            printf("eso-mock %s\n", esomock_version_string());
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return bad_option(longopts, argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (opts.watch_scenario && opts.scenario_file == NULL)
        return usage_error("--watch needs --scenario FILE");
    if (proxy.url == NULL &&
        (proxy.token_url != NULL || proxy.timeout_ms != 0 || proxy.record_dir != NULL))
        return usage_error("--%s needs --proxy URL", proxy.record_dir != NULL  ? "record"
                                                     : proxy.token_url != NULL ? "proxy-token-url"
                                                                               : "proxy-timeout");
    if (proxy.url != NULL) {
        /* eso-mock's own credentials at the upstream, never the client's. */
        proxy.client_id = getenv("ESOLOGS_ID");
        proxy.client_secret = getenv("ESOLOGS_SECRET");
        if (proxy.client_id == NULL || proxy.client_id[0] == '\0' || proxy.client_secret == NULL ||
            proxy.client_secret[0] == '\0')
            return usage_error("--proxy needs ESOLOGS_ID and ESOLOGS_SECRET in the environment "
                               "(eso-mock's own client credentials at the upstream)");
        opts.proxy = &proxy;
    }

    FILE *log = NULL;
    if (strcmp(log_path, "-") == 0) {
        log = stderr;
    } else if (strcmp(log_path, "none") != 0) {
        log = fopen(log_path, "a");
        if (log == NULL) {
            fprintf(stderr, "eso-mock: --log %s: %s\n", log_path, strerror(errno));
            return 1;
        }
    }
    opts.log = log;
    FILE *journal = NULL;
    if (journal_path != NULL) {
        journal = fopen(journal_path, "a");
        if (journal == NULL) {
            fprintf(stderr, "eso-mock: --journal %s: %s\n", journal_path, strerror(errno));
            if (log != NULL && log != stderr)
                fclose(log);
            return 1;
        }
    }
    opts.journal = journal;

    /* Block the stop signals before any server thread exists, so only sigwait() sees them. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    int status = 1;
    struct esomock_server *server = NULL;
    struct esomock_problems *problems = esomock_problems_create();
    enum esomock_status rc = esomock_server_start(&opts, &server, problems);
    if (rc != ESOMOCK_OK) {
        fprintf(stderr, "eso-mock: %s:\n", esomock_strerror(rc));
        if (problems == NULL)
            fputs("(out of memory)\n", stderr);
        print_problems(problems, NULL);
        esomock_problems_destroy(problems);
        goto out;
    }
    esomock_problems_destroy(problems);
    printf("eso-mock listening on %s\n", esomock_server_url(server));
    if (opts.blackhole)
        printf("eso-mock blackhole on %s\n", esomock_server_blackhole_url(server));
    fflush(stdout);
    if (port_file != NULL && write_port_file(port_file, esomock_server_port(server)) != 0) {
        fprintf(stderr, "eso-mock: cannot write --port-file %s: %s\n", port_file, strerror(errno));
        goto out;
    }
    int sig = 0;
    sigwait(&stop_signals, &sig);
    fprintf(stderr, "eso-mock: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    status = 0;
out:
    esomock_server_stop(server);
    if (log != NULL && log != stderr)
        fclose(log);
    if (journal != NULL)
        fclose(journal);
    return status;
}
