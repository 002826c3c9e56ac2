/* eso-scenario: play scenario files against a client and eso-mock, and judge them. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <esoharness/runner.h>
#include <esoharness/version.h>

#include "capture_private.h"
#include "runner_private.h"
#include "text_private.h"

static void usage(FILE *to)
{
    fprintf(to,
            "Usage: eso-scenario run [--client-cmd CMD] [--time-scale F] [--json] [--quiet]\n"
            "                        [--fixtures DIR] [--junit FILE] [--html FILE] [--seed N]\n"
            "                        [--journal-dir DIR] FILE|DIR...\n"
            "       eso-scenario conform [--client-cmd CMD] [--time-scale F] [--verbose]\n"
            "                        [--fixtures DIR] [--junit FILE] [--html FILE] [FILE|DIR...]\n"
            "       eso-scenario check [--fixtures DIR] FILE|DIR...\n"
            "       eso-scenario capture [OPTION]... JOURNAL   (see capture --help)\n"
            "       eso-scenario --help | --version\n"
            "\n"
            "run      plays each scenario: an in-process eso-mock carries out its fault script,\n"
            "         the client makes the calls its `expect` section lists, and every\n"
            "         expectation is checked: the client's own (outcome, attempts, elapsed time,\n"
            "         breaker states: libesologs) and the `wire` section's, judged from the\n"
            "         server's journal alone. Prints a timeline and PASS/FAIL per check, then a\n"
            "         table.\n"
            "conform  plays the conformance suite (default: scenarios/conformance, or\n"
            "         $ESO_CONFORMANCE_DIR) and prints a scorecard: per behaviour, what the wire "
            "must show, what it\n"
            "         showed, PASS/FAIL and a hint on what to change in the client.\n"
            "check    applies every rule run applies before it plays a file (the fault script,\n"
            "         the wire and expect sections and its calls) without playing it.\n"
            "capture  turns a run's journal into a scenario that replays it deterministically.\n"
            "\n"
            "  --client-cmd CMD a client to judge instead of libesologs: CMD is run by /bin/sh\n"
            "                   once per scenario and speaks eso-adapter/1 (JSON lines on its\n"
            "                   stdin and stdout; docs/harness.md)\n"
            "  --time-scale F   real time per unit of scenario time (default: the scenario's\n"
            "                   expect.time_scale, else %g); 1 runs in real time (a client that\n"
            "                   cannot scale its own waits runs at 1)\n"
            "  --json           one JSON object per scenario (timeline, calls, requests, checks)\n"
            "  --quiet          only verdicts and failed checks\n"
            "  --verbose        conform: also each scenario's timeline\n"
            "  --fixtures DIR   eso-mock fixture directory (default: the built-in set)\n"
            "  --junit FILE     also write JUnit XML to FILE, one testcase per scenario\n"
            "  --html FILE      also write the report as one self-contained HTML page\n"
            "  --seed N         eso-mock's seed for every random draw (default: the scenario's)\n"
            "  --journal-dir DIR  write eso-mock's journal of each scenario to DIR/NAME.jsonl\n"
            "  -h, --help       this text\n"
            "      --version    the version\n"
            "\n"
            "Times: the timeline (t, retry and pacing waits, in s; server delays in ms) and\n"
            "elapsed_ms checks are in scenario time, which the time scale turns into real time;\n"
            "the verdict's duration, the table's real(s) and the total are real time.\n"
            "Text output escapes control characters (\\n, \\x1b, ...) in what servers and files\n"
            "say. A DIR stands for its *.json files in name order (not its subdirectories);\n"
            "schema.json (the format's JSON Schema) is skipped, with a note on stderr when named.\n"
            "Exit status: 0 when every scenario passed (or was valid; conform: every behaviour),\n"
            "1 when one failed (or was invalid), 2 on a usage error or when no file given was a\n"
            "scenario.\n",
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

/* Open @p path for writing; NULL (with the reason on stderr) when it cannot be. */
static FILE *open_output(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        char text[1024];
        fprintf(stderr, "eso-scenario: cannot write %s: %s\n",
                esoh__text_escape(path, text, sizeof(text)), strerror(errno));
    }
    return f;
}

/* Close @p f opened for @p path; -1 (said on stderr) when the write failed. */
static int close_output(FILE *f, const char *path)
{
    if (f == NULL)
        return 0;
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        char text[1024];
        fprintf(stderr, "eso-scenario: writing %s failed\n",
                esoh__text_escape(path, text, sizeof(text)));
        return -1;
    }
    return 0;
}

struct outputs {
    const char *junit_path;
    const char *html_path;
    FILE *junit;
    FILE *html;
};

/* Open them first: a path that cannot be written is a usage error, found before the run. */
static int open_outputs(struct outputs *o)
{
    if (o->junit_path != NULL && (o->junit = open_output(o->junit_path)) == NULL)
        return -1;
    if (o->html_path != NULL && (o->html = open_output(o->html_path)) == NULL)
        return -1;
    return 0;
}

/* Close them; on @p rc 2 (a run with nothing to report) remove them: no empty, invalid
 * report for CI to trip over. Returns @p rc, or 2 when a write failed. */
static int close_outputs(struct outputs *o, int rc)
{
    if (close_output(o->junit, o->junit_path) != 0 || close_output(o->html, o->html_path) != 0)
        rc = 2;
    if (rc == 2) {
        if (o->junit != NULL)
            remove(o->junit_path);
        if (o->html != NULL)
            remove(o->html_path);
    }
    return rc;
}

/* @p path relative to the working directory when it lies under it (reports name files as a
 * reader of the tree would), else as it is. */
static const char *relative(const char *path)
{
    static char cwd[4096];
    if (cwd[0] == '\0' && getcwd(cwd, sizeof(cwd)) == NULL)
        return path;
    size_t n = strlen(cwd);
    return strncmp(path, cwd, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

/* Growable list of scenario paths (scenario_paths). */
struct paths {
    char **items;
    size_t count, cap;
};

/* Add @p dir "/" @p name (@p name alone when @p dir is NULL); -1 when out of memory. */
static int add_path(struct paths *p, const char *dir, const char *name)
{
    if (p->count + 1 >= p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        char **grown = realloc(p->items, cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        p->items = grown;
        p->cap = cap;
    }
    size_t size = (dir != NULL ? strlen(dir) + 1 : 0) + strlen(name) + 1;
    char *path = malloc(size);
    if (path == NULL)
        return -1;
    snprintf(path, size, "%s%s%s", dir != NULL ? dir : "", dir != NULL ? "/" : "", name);
    p->items[p->count++] = path;
    return 0;
}

/*
 * The scenario files of @p args: files as given, a directory's *.json files (not its
 * subdirectories: fixtures/ and worlds/ hold other formats) in name order, schema.json
 * left out. 0, or -1 with the reason in @p err (out of memory, a directory that cannot
 * be read or holds no scenario).
 */
static int scenario_paths(const char *const *args, size_t count, char ***out, size_t *n, char *err,
                          size_t err_size)
{
    struct paths p = {0};
    for (size_t i = 0; i < count; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
            if (add_path(&p, NULL, args[i]) != 0)
                goto oom;
            continue;
        }
        struct dirent **names = NULL;
        int k = scandir(args[i], &names, NULL, alphasort);
        if (k < 0) {
            char shown[1024];
            snprintf(err, err_size, "cannot read the directory %s: %s",
                     esoh__text_escape(args[i], shown, sizeof(shown)), strerror(errno));
            goto out;
        }
        const char *dir = relative(args[i]);
        size_t before = p.count;
        bool failed = false;
        for (int j = 0; j < k; j++) {
            const char *name = names[j]->d_name;
            size_t len = strlen(name);
            char path[4096];
            struct stat entry;
            snprintf(path, sizeof(path), "%s/%s", args[i], name);
            bool scenario = len > 5 && strcmp(name + len - 5, ".json") == 0 &&
                            strcmp(name, "schema.json") != 0 && stat(path, &entry) == 0 &&
                            S_ISREG(entry.st_mode);
            if (scenario && !failed && add_path(&p, dir, name) != 0)
                failed = true;
            free(names[j]);
        }
        free(names);
        if (failed)
            goto oom;
        if (p.count == before) { /* a directory given for nothing is a mistake, not a pass */
            char shown[1024];
            snprintf(err, err_size, "the directory %s holds no scenario file (*.json)",
                     esoh__text_escape(args[i], shown, sizeof(shown)));
            goto out;
        }
    }
    *out = p.items;
    *n = p.count;
    return 0;
oom:
    snprintf(err, err_size, "out of memory");
out:
    for (size_t i = 0; i < p.count; i++)
        free(p.items[i]);
    free(p.items);
    *out = NULL;
    *n = 0;
    return -1;
}

static void free_paths(char **paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

/* Run @p files: the timelines (or JSON), then the table; JUnit XML and HTML too. */
static int run_files(const char *const *files, size_t count, const struct esoh_run_options *opts,
                     struct outputs *o)
{
    int rc = 2;
    const char **ran_paths = calloc(count, sizeof(*ran_paths));
    struct esoh_run_report *reports = calloc(count, sizeof(*reports));
    cJSON *html_reports = cJSON_CreateArray();
    if (ran_paths == NULL || reports == NULL || html_reports == NULL) {
        fprintf(stderr, "eso-scenario: out of memory\n");
        rc = 1;
        goto out;
    }
    if (open_outputs(o) != 0)
        goto out;
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
        struct esoh__run_output output;
        failed +=
            esoh__run_file(files[i], opts, &reports[ran], o->html != NULL ? &output : NULL) != 0;
        if (o->html != NULL) {
            cJSON_AddItemToArray(html_reports, output.report);
            output.report = NULL;
            esoh__run_output_finish(&output);
        }
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
    if (o->junit != NULL &&
        esoh_run_write_junit(o->junit, "scenarios", ran_paths, reports, ran) != 0)
        rc = 2;
    if (o->html != NULL) {
        char title[512];
        snprintf(title, sizeof(title), "eso-scenario run: %s",
                 opts->client_cmd != NULL ? opts->client_cmd : "libesologs");
        if (esoh__html_write(o->html, title, html_reports) != 0)
            rc = 2;
    }
out:
    rc = close_outputs(o, rc);
    cJSON_Delete(html_reports);
    free(reports);
    free(ran_paths);
    return rc;
}

/* ---- conform: the scorecard ------------------------------------------------------------- */

struct line {
    char behaviour[128];
    char scenario[96];
    char expected[512];
    char observed[512];
    char hint[192];
    bool passed;
};

static void append(char *buf, size_t size, const char *sep, const char *text)
{
    size_t used = strlen(buf);
    if (used + 1 < size)
        snprintf(buf + used, size - used, "%s%s", used ? sep : "", text);
}

/* The scorecard lines of one scenario: one per wire expectation. */
static size_t score_lines(const struct esoh_run_report *report,
                          const struct esoh__run_output *output, struct line *lines, size_t max)
{
    size_t n = 0;
    /* A client that stopped answering fails every line of its scenario. */
    const char *broken = NULL;
    for (size_t i = 0; i < output->check_count; i++) {
        if (!output->checks[i].wire && strcmp(output->checks[i].what, "answer") == 0 &&
            !output->checks[i].passed)
            broken = output->checks[i].got;
    }
    if (output->report != NULL && broken == NULL) {
        const cJSON *error = cJSON_GetObjectItemCaseSensitive(output->report, "error");
        broken = cJSON_IsString(error) ? error->valuestring : NULL;
    }
    for (size_t x = 0; x < output->wire_expectations && n < max; x++) {
        struct line *l = &lines[n++];
        *l = (struct line){.passed = true};
        snprintf(l->scenario, sizeof(l->scenario), "%s", report->name);
        for (size_t i = 0; i < output->check_count; i++) {
            const struct esoh__check *c = &output->checks[i];
            if (!c->wire || c->expectation != x)
                continue;
            snprintf(l->behaviour, sizeof(l->behaviour), "%s", c->behaviour);
            append(l->expected, sizeof(l->expected), "; ", c->expected);
            if (!c->passed && l->passed) {
                l->passed = false;
                l->observed[0] = '\0';
                append(l->observed, sizeof(l->observed), "; ", c->got);
                snprintf(l->hint, sizeof(l->hint), "%s", c->hint);
            } else if (l->passed) {
                append(l->observed, sizeof(l->observed), "; ", c->got);
            }
        }
        if (broken != NULL) {
            l->passed = false;
            snprintf(l->observed, sizeof(l->observed), "%s", broken);
            snprintf(l->hint, sizeof(l->hint), "%s",
                     "answer every call line with one result line (eso-adapter/1)");
        }
    }
    if (n == 0 && broken != NULL && n < max) {
        struct line *l = &lines[n++];
        *l = (struct line){.passed = false};
        snprintf(l->scenario, sizeof(l->scenario), "%s", report->name);
        snprintf(l->behaviour, sizeof(l->behaviour), "plays %s", report->name);
        snprintf(l->observed, sizeof(l->observed), "%s", broken);
    }
    return n;
}

static void print_line(size_t number, const struct line *l)
{
    char b[4 * 128], s[4 * 96], e[4 * 512], o[4 * 512], h[4 * 192];
    printf("%3zu %s  %s  [%s]\n", number, l->passed ? "PASS" : "FAIL",
           esoh__text_escape(l->behaviour, b, sizeof(b)),
           esoh__text_escape(l->scenario, s, sizeof(s)));
    printf("          expected  %s\n", esoh__text_escape(l->expected, e, sizeof(e)));
    printf("          observed  %s\n", esoh__text_escape(l->observed, o, sizeof(o)));
    if (!l->passed && l->hint[0] != '\0')
        printf("          hint      %s\n", esoh__text_escape(l->hint, h, sizeof(h)));
}

/* The suite: the source tree's while it exists (a build directory's binary), else the
 * installed copy. */
static const char *conformance_dir(void)
{
    struct stat st;
    if (stat(ESOH_CONFORMANCE_SOURCE_DIR, &st) == 0 && S_ISDIR(st.st_mode))
        return ESOH_CONFORMANCE_SOURCE_DIR;
    return ESOH_CONFORMANCE_INSTALLED_DIR;
}

static int conform(const char *const *args, size_t count, struct esoh_run_options *opts,
                   bool verbose, struct outputs *o)
{
    const char *const fallback[] = {conformance_dir()};
    const char *env = getenv("ESO_CONFORMANCE_DIR");
    if (count == 0 && env != NULL && env[0] != '\0') {
        args = (const char *const *)&env;
        count = 1;
    } else if (count == 0) {
        args = fallback;
        count = 1;
    }
    char **paths = NULL;
    size_t n = 0;
    int rc = 2;
    struct line *lines = calloc(1024, sizeof(*lines));
    struct esoh_run_report *reports = NULL;
    cJSON *html_reports = cJSON_CreateArray();
    char err[1200] = "out of memory";
    if (lines == NULL || html_reports == NULL ||
        scenario_paths(args, count, &paths, &n, err, sizeof(err)) != 0) {
        fprintf(stderr, "eso-scenario: %s\n", err);
        goto out;
    }
    if (n == 0) {
        fprintf(stderr, "eso-scenario: no conformance scenario found\n");
        goto out;
    }
    reports = calloc(n, sizeof(*reports));
    if (reports == NULL || open_outputs(o) != 0)
        goto out;
    opts->quiet = !verbose;
    opts->out = verbose ? stdout : NULL;
    const char *client = opts->client_cmd != NULL ? opts->client_cmd : "libesologs (built in)";
    char who[1024];
    esoh__text_escape(client, who, sizeof(who));
    printf("Conformance of %s\n", who);
    printf("(eso-adapter/1; %zu scenario%s; times in scenario seconds)\n\n", n, n == 1 ? "" : "s");
    size_t line_count = 0;
    double total_ms = 0;
    for (size_t i = 0; i < n; i++) {
        struct esoh__run_output output;
        esoh__run_file(paths[i], opts, &reports[i], &output);
        total_ms += reports[i].wall_ms;
        size_t first = line_count;
        line_count += score_lines(&reports[i], &output, lines + line_count, 1024 - line_count);
        for (size_t k = first; k < line_count; k++)
            print_line(k + 1, &lines[k]);
        fflush(stdout);
        if (output.report != NULL)
            cJSON_AddItemToArray(html_reports, output.report);
        output.report = NULL;
        esoh__run_output_finish(&output);
    }
    size_t passed = 0;
    for (size_t k = 0; k < line_count; k++)
        passed += lines[k].passed;
    printf("\nscore: %zu of %zu behaviours (%.1f s of real time)\n", passed, line_count,
           total_ms / 1000.0);
    if (passed < line_count) {
        printf("failed:");
        const char *sep = " ";
        for (size_t k = 0; k < line_count; k++) {
            if (!lines[k].passed) {
                printf("%s%zu", sep, k + 1);
                sep = ", ";
            }
        }
        printf("\n");
    }
    rc = line_count > 0 && passed == line_count ? 0 : 1;
    if (o->junit != NULL &&
        esoh_run_write_junit(o->junit, "conformance", (const char *const *)paths, reports, n) != 0)
        rc = 2;
    if (o->html != NULL) {
        char title[1200];
        snprintf(title, sizeof(title), "Conformance of %s: %zu of %zu behaviours", client, passed,
                 line_count);
        if (esoh__html_write(o->html, title, html_reports) != 0)
            rc = 2;
    }
out:
    rc = close_outputs(o, rc);
    cJSON_Delete(html_reports);
    free(reports);
    free(lines);
    free_paths(paths, n);
    return rc;
}

enum { OPT_VERSION = 256, OPT_CLIENT_CMD, OPT_HTML, OPT_VERBOSE };

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"time-scale", required_argument, NULL, 't'},
        {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, OPT_VERBOSE},
        {"fixtures", required_argument, NULL, 'f'},
        {"junit", required_argument, NULL, 'u'},
        {"html", required_argument, NULL, OPT_HTML},
        {"client-cmd", required_argument, NULL, OPT_CLIENT_CMD},
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
        return usage_error("missing command (run, conform, check or capture)", NULL, "");
    if (argv[1][0] == '-')
        return usage_error(
            "expected a command (run, conform, check or capture) before options, got ", argv[1],
            "");
    const char *command = argv[1];
    if (strcmp(command, "capture") == 0)
        return esoh__capture_main(argc - 1, argv + 1);
    bool run = strcmp(command, "run") == 0;
    bool conforming = strcmp(command, "conform") == 0;
    if (!run && !conforming && strcmp(command, "check") != 0)
        return usage_error("unknown command ", command, " (run, conform, check or capture)");

    struct esoh_run_options opts = {.out = stdout};
    struct outputs outputs = {0};
    const char *run_only = NULL;     /* a run option given to check */
    const char *not_conform = NULL;  /* a run option conform has no use for */
    const char *conform_only = NULL; /* a conform option given to run */
    bool verbose = false;
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
            run_only = not_conform = "--json";
            break;
        case 'q':
            opts.quiet = true;
            run_only = not_conform = "--quiet";
            break;
        case OPT_VERBOSE:
            verbose = true;
            run_only = conform_only = "--verbose";
            break;
        case 'f':
            opts.fixtures_dir = optarg;
            break;
        case 'u':
            outputs.junit_path = optarg;
            run_only = "--junit";
            break;
        case OPT_HTML:
            outputs.html_path = optarg;
            run_only = "--html";
            break;
        case OPT_CLIENT_CMD:
            if (optarg[0] == '\0')
                return usage_error("--client-cmd wants a command, got ", optarg, "");
            opts.client_cmd = optarg;
            run_only = "--client-cmd";
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
    size_t count = optind < argc ? (size_t)(argc - optind) : 0;
    const char *const *files = (const char *const *)argv + optind;
    if (!run && !conforming && run_only != NULL)
        return usage_error(run_only, NULL, " is an option of run and conform, not of check");
    if (conforming && not_conform != NULL)
        return usage_error(not_conform, NULL, " is an option of run, not of conform");
    if (run && conform_only != NULL)
        return usage_error(conform_only, NULL, " is an option of conform, not of run");
    if (conforming)
        return conform(files, count, &opts, verbose, &outputs);
    if (count == 0)
        return usage_error("no scenario file given", NULL, "");
    char **paths = NULL, err[1200];
    size_t n = 0;
    if (scenario_paths(files, count, &paths, &n, err, sizeof(err)) != 0) {
        fprintf(stderr, "eso-scenario: %s\n", err);
        return 2;
    }
    int rc = run ? run_files((const char *const *)paths, n, &opts, &outputs)
                 : check_files((const char *const *)paths, n, opts.fixtures_dir);
    free_paths(paths, n);
    return rc;
}
