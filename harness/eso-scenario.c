/* eso-scenario: play scenario files against libesologs and eso-mock, and judge them. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esoharness/runner.h>
#include <esoharness/version.h>

#include "capture_private.h"
#include "text_private.h"

static void usage(FILE *to)
{
    fprintf(to,
            "Usage: eso-scenario run [--time-scale F] [--json] [--quiet] [--fixtures DIR]\n"
            "                        [--junit FILE] [--seed N] [--journal-dir DIR] FILE...\n"
            "       eso-scenario check [--fixtures DIR] FILE...\n"
            "       eso-scenario capture [OPTION]... JOURNAL   (see capture --help)\n"
            "       eso-scenario --help | --version\n"
            "\n"
            "run    plays each scenario: an in-process eso-mock carries out its fault script,\n"
            "       libesologs makes the calls its `expect` section lists, and every expectation\n"
            "       (outcome, attempts, elapsed time, faults seen, breaker states) is checked.\n"
            "       Prints a timeline and PASS/FAIL per check, then a table.\n"
            "check  applies every rule run applies before it plays a file (the fault script, the\n"
            "       expect section and its calls) without playing it: what check accepts, run\n"
            "       plays.\n"
            "capture  turns a run's journal into a scenario that replays it deterministically.\n"
            "\n"
            "  --time-scale F   real time per unit of scenario time (default: the scenario's\n"
            "                   expect.time_scale, else %g); 1 runs in real time\n"
            "  --json           one JSON object per scenario (timeline, checks, verdict)\n"
            "  --quiet          only verdicts and failed checks\n"
            "  --fixtures DIR   eso-mock fixture directory (default: the built-in set)\n"
            "  --junit FILE     also write JUnit XML to FILE, one testcase per scenario\n"
            "  --seed N         eso-mock's seed for every random draw (default: the scenario's)\n"
            "  --journal-dir DIR  write eso-mock's journal of each scenario to DIR/NAME.jsonl\n"
            "  -h, --help       this text\n"
            "      --version    the version\n"
            "\n"
            "Times: the timeline (t, retry and pacing waits, in s; server delays in ms) and\n"
            "elapsed_ms checks are in scenario time, which the time scale turns into real time;\n"
            "the verdict's duration, the table's real(s) and the total are real time.\n"
            "Text output escapes control characters (\\n, \\x1b, ...) in what servers and files\n"
            "say. schema.json (the format's JSON Schema) is skipped, with a note on stderr.\n"
            "Exit status: 0 when every scenario passed (or was valid), 1 when one failed (or\n"
            "was invalid), 2 on a usage error or when no file given was a scenario.\n",
            ESOH_RUN_DEFAULT_TIME_SCALE);
}

/* A usage error: one line saying what is wrong (@p before, @p arg quoted and escaped when
 * not NULL, @p after), one saying where help is; exit status 2. */
static int usage_error(const char *before, const char *arg, const char *after)
{
    char text[512];
    fprintf(stderr, "eso-scenario: %s%s%s%s%s\nTry 'eso-scenario --help'.\n", before,
            arg != NULL ? "'" : "", arg != NULL ? esoh__text_escape(arg, text, sizeof(text)) : "",
            arg != NULL ? "'" : "", after);
    return 2;
}

/* Check @p files as run would load them: a line per problem on stderr, a count on stdout. */
static int check_files(const char *const *files, size_t count, const char *fixtures_dir)
{
    size_t checked = 0, invalid = 0;
    for (size_t i = 0; i < count; i++) {
        if (esoh_scenario_is_schema_file(files[i])) {
            char path[1024];
            fprintf(stderr, "eso-scenario: skipped %s: the format's JSON Schema, not a scenario\n",
                    esoh__text_escape(files[i], path, sizeof(path)));
            continue;
        }
        checked++;
        invalid += esoh_scenario_check_file(files[i], fixtures_dir, stderr) != 0;
    }
    if (checked == 0) {
        fprintf(stderr, "eso-scenario: no scenario was checked (every file given was skipped)\n");
        return 2;
    }
    if (invalid > 0) {
        fprintf(stderr, "eso-scenario: %zu of %zu scenario file%s invalid\n", invalid, checked,
                checked == 1 ? "" : "s");
        return 1;
    }
    printf("%zu scenario file%s valid\n", checked, checked == 1 ? "" : "s");
    return 0;
}

/* Run @p files: the timelines (or JSON), then the table; JUnit XML to @p junit_path too. */
static int run_files(const char *const *files, size_t count, const struct esoh_run_options *opts,
                     const char *junit_path)
{
    int rc = 2;
    FILE *junit = NULL;
    const char **ran_paths = calloc(count, sizeof(*ran_paths));
    struct esoh_run_report *reports = calloc(count, sizeof(*reports));
    if (ran_paths == NULL || reports == NULL) {
        fprintf(stderr, "eso-scenario: out of memory\n");
        rc = 1;
        goto out;
    }
    /* Open it first: a path that cannot be written is a usage error, found before the run. */
    if (junit_path != NULL) {
        junit = fopen(junit_path, "w");
        if (junit == NULL) {
            char path[1024];
            fprintf(stderr, "eso-scenario: cannot write %s: %s\n",
                    esoh__text_escape(junit_path, path, sizeof(path)), strerror(errno));
            goto out;
        }
    }
    size_t ran = 0, failed = 0;
    double total_ms = 0;
    for (size_t i = 0; i < count; i++) {
        if (esoh_scenario_is_schema_file(files[i])) {
            /* So that running the whole folder does not fail on it. */
            char path[1024];
            fprintf(stderr, "eso-scenario: skipped %s: the format's JSON Schema, not a scenario\n",
                    esoh__text_escape(files[i], path, sizeof(path)));
            continue;
        }
        failed += esoh_scenario_run_file(files[i], opts, &reports[ran]) != 0;
        ran_paths[ran] = files[i];
        total_ms += reports[ran].wall_ms;
        ran++;
        if (!opts->json && !opts->quiet)
            putchar('\n');
    }
    if (ran == 0) {
        fprintf(stderr, "eso-scenario: no scenario was run (every file given was skipped)\n");
        goto out;
    }
    if (!opts->json) {
        printf("%-28s %-6s %7s %7s %9s  %s\n", "scenario", "result", "checks", "failed", "real(s)",
               "first difference");
        for (size_t i = 0; i < ran; i++) {
            /* Names and differences quote scenario files and servers: escaped, one line each. */
            char name[29], difference[4 * sizeof(reports[i].first_failure)];
            printf("%-28s %-6s %7zu %7zu %9.2f  %s\n",
                   esoh__text_escape(reports[i].name, name, sizeof(name)),
                   reports[i].passed ? "PASS" : "FAIL", reports[i].checks, reports[i].failures,
                   reports[i].wall_ms / 1000.0,
                   esoh__text_escape(reports[i].first_failure, difference, sizeof(difference)));
        }
        printf("%zu passed, %zu failed\n", ran - failed, failed);
        printf("total real time %.2f s\n", total_ms / 1000.0);
    }
    rc = failed == 0 ? 0 : 1;
    if (junit != NULL && esoh_run_write_junit(junit, "scenarios", ran_paths, reports, ran) != 0) {
        char path[1024];
        fprintf(stderr, "eso-scenario: writing %s failed\n",
                esoh__text_escape(junit_path, path, sizeof(path)));
        rc = 2;
    }
out:
    if (junit != NULL && fclose(junit) != 0 && rc != 2) {
        char path[1024];
        fprintf(stderr, "eso-scenario: writing %s failed: %s\n",
                esoh__text_escape(junit_path, path, sizeof(path)), strerror(errno));
        rc = 2;
    }
    /* No report rather than an empty, invalid one for CI to trip over. */
    if (junit != NULL && rc == 2)
        remove(junit_path);
    free(reports);
    free(ran_paths);
    return rc;
}

enum { OPT_VERSION = 256 };

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"time-scale", required_argument, NULL, 't'},
        {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"fixtures", required_argument, NULL, 'f'},
        {"junit", required_argument, NULL, 'u'},
        {"seed", required_argument, NULL, 's'},
        {"journal-dir", required_argument, NULL, 'J'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    /* Before the command: only --help and --version. */
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("eso-scenario (esologs-harness) %s\n", ESOH_VERSION_STR);
        return 0;
    }
    if (argc < 2)
        return usage_error("missing command (run, check or capture)", NULL, "");
    if (argv[1][0] == '-')
        return usage_error("expected a command (run, check or capture) before options, got ",
                           argv[1], "");
    const char *command = argv[1];
    if (strcmp(command, "capture") == 0)
        return esoh__capture_main(argc - 1, argv + 1);
    bool run = strcmp(command, "run") == 0;
    if (!run && strcmp(command, "check") != 0)
        return usage_error("unknown command ", command, " (run, check or capture)");

    struct esoh_run_options opts = {.out = stdout};
    const char *junit_path = NULL;
    const char *run_only = NULL; /* a run option given to check */
    int c;
    optind = 2;
    opterr = 0; /* our own messages, in the one-line form */
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 't': {
            char *end = NULL;
            errno = 0;
            opts.time_scale = strtod(optarg, &end);
            if (errno != 0 || end == optarg || *end != '\0' || !(opts.time_scale > 0) ||
                !isfinite(opts.time_scale) || opts.time_scale > 1000)
                return usage_error("--time-scale wants a number above 0 and at most 1000, got ",
                                   optarg, "");
            run_only = "--time-scale";
            break;
        }
        case 'j':
            opts.json = true;
            run_only = "--json";
            break;
        case 'q':
            opts.quiet = true;
            run_only = "--quiet";
            break;
        case 'f':
            opts.fixtures_dir = optarg;
            break;
        case 'u':
            junit_path = optarg;
            run_only = "--junit";
            break;
        case 's': {
            char *end = NULL;
            errno = 0;
            unsigned long long seed = strtoull(optarg, &end, 10);
            if (errno != 0 || optarg[0] < '0' || optarg[0] > '9' || *end != '\0' || seed == 0 ||
                seed > (1ull << 53))
                return usage_error("--seed wants an integer from 1 to 2^53, got ", optarg, "");
            opts.seed = seed;
            run_only = "--seed";
            break;
        }
        case 'J':
            opts.journal_dir = optarg;
            run_only = "--journal-dir";
            break;
        case 'h':
            usage(stdout);
            return 0;
        case OPT_VERSION:
            printf("eso-scenario (esologs-harness) %s\n", ESOH_VERSION_STR);
            return 0;
        case ':':
            return usage_error("option ", argv[optind - 1], " needs a value");
        default:
            return usage_error("unknown option ", argv[optind - 1], "");
        }
    }
    if (optind >= argc)
        return usage_error("no scenario file given", NULL, "");
    size_t count = (size_t)(argc - optind);
    const char *const *files = (const char *const *)argv + optind;

    if (!run && run_only != NULL)
        return usage_error(run_only, NULL, " is an option of run, not of check");
    if (!run)
        return check_files(files, count, opts.fixtures_dir);
    return run_files(files, count, &opts, junit_path);
}
