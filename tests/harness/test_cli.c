/*
 * eso-scenario as CI runs it: JUnit XML with one testcase per scenario, named
 * after it, and a loud exit when no file given was a scenario.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "http_helper.h"
#include "text_private.h"
#include "timeline_private.h"

extern char **environ;

static char dir[] = "/tmp/eso-scenario-cli-XXXXXX";

static void make_dir(void)
{
    cr_assert_not_null(mkdtemp(dir), "mkdtemp");
}

/* The files a test may have made, then the directory. */
static void remove_dir(void)
{
    static const char *const files[] = {"fails.json",    "broken.json", "report.xml",
                                        "output.txt",    "forge.json",  "errors.txt",
                                        "noexpect.json", "nocalls.json"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path); /* not every test makes every file */
    }
    rmdir(dir);
}

TestSuite(eso_scenario_cli, .init = make_dir, .fini = remove_dir, .timeout = 60);

/* Path of @p name in the test's directory. */
static const char *in_dir(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", dir, name);
    return buf;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

/* Run eso-scenario with @p args (NULL-terminated, after the program), stdout into
 * @p output_path and stderr into @p error_path (NULL = the same file); its exit status. */
static int run_eso_scenario_split(const char *const *args, const char *output_path,
                                  const char *error_path)
{
    const char *bin = getenv("ESO_SCENARIO_BIN"); /* meson's, else tests/support's default */
    cr_assert(bin != NULL && bin[0] != '\0', "ESO_SCENARIO_BIN is not set");
    char *argv[16] = {(char *)bin};
    size_t n = 1;
    for (; args[n - 1] != NULL && n < 15; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, output_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (error_path != NULL)
        posix_spawn_file_actions_addopen(&actions, 2, error_path, O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
    else
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    cr_assert_eq(rc, 0, "cannot start %s: %s", bin, strerror(rc));
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "eso-scenario died (status %d)", status);
    return WEXITSTATUS(status);
}

/* As run_eso_scenario_split(), stdout and stderr into one file. */
static int run_eso_scenario(const char *const *args, const char *output_path)
{
    return run_eso_scenario_split(args, output_path, NULL);
}

/* Occurrences of @p needle in @p text. */
static size_t count_of(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* connection-reset.json's script, with an expectation that cannot hold (5 attempts, not 2). */
static const char failing_scenario[] =
    "{\"name\":\"fails-on-purpose\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\"},"
    "\"script\":[{\"action\":\"reset\",\"times\":1,\"repeat\":false}]}],"
    "\"expect\":{\"client\":{\"max_attempts\":3,\"initial_delay_ms\":200,\"jitter\":\"none\","
    "\"bearer_token\":\"t\"},\"calls\":[{\"operation\":\"getZones\",\"expect\":{\"outcome\":\"ok\","
    "\"attempts\":5}}]}}";

/* Not a valid scenario: its error message quotes the name, which XML must escape. */
static const char broken_scenario[] = "{\"name\":\"<&>\",\"rules\":[]}";

Test(eso_scenario_cli, junit_names_each_scenario_and_its_failure)
{
    char bad[512], broken[512], good[512], xml_path[512], output[512];
    in_dir("fails.json", bad, sizeof(bad));
    in_dir("broken.json", broken, sizeof(broken));
    in_dir("report.xml", xml_path, sizeof(xml_path));
    in_dir("output.txt", output, sizeof(output));
    snprintf(good, sizeof(good), "%s/connection-reset.json", getenv("ESO_SCENARIOS_DIR"));
    write_file(bad, failing_scenario);
    write_file(broken, broken_scenario);

    /* In real time: connection-reset.json's elapsed_ms bound then has seconds of slack, not
     * the 150 ms it has at the default scale, so a loaded machine cannot fail it. */
    const char *const args[] = {"run", "--quiet", "--time-scale", "1", "--junit", xml_path,
                                good,  bad,       broken,         NULL};
    int rc = run_eso_scenario(args, output);
    char *out = read_text_file(output);
    cr_assert_eq(rc, 1, "scenarios failed: exit 1, got %d\n%s", rc, out);
    free(out);

    char *xml = read_text_file(xml_path);
    cr_assert_not_null(xml, "no JUnit file at %s", xml_path);
    cr_assert_eq(strncmp(xml, "<?xml", 5), 0, "an XML declaration first: %.80s", xml);
    cr_assert_not_null(strstr(xml, "tests=\"3\" failures=\"2\""), "totals: %s", xml);
    cr_assert_eq(count_of(xml, "<testcase "), 3, "one testcase per scenario: %s", xml);
    cr_assert_eq(count_of(xml, "<failure "), 2, "one failure per failed scenario: %s", xml);

    /* Each testcase is named after its scenario, and only the failed ones carry a failure. */
    const char *passed = strstr(xml, "name=\"connection-reset\"");
    const char *failed = strstr(xml, "name=\"fails-on-purpose\"");
    cr_assert(passed != NULL && failed != NULL, "named after the scenarios: %s", xml);
    const char *tag_end = strchr(passed, '>');
    cr_assert(tag_end != NULL && tag_end[-1] == '/', "the passed scenario's testcase is empty: %s",
              passed);
    const char *failure = strstr(failed, "<failure ");
    cr_assert(failure != NULL && failure < strstr(failed, "</testcase>"),
              "the failed scenario has the failure: %s", failed);
    cr_assert_not_null(strstr(failure, "attempts expected 5, got 2"), "says what differed: %s",
                       failure);
    cr_assert_not_null(strstr(xml, "&quot;&lt;&amp;&gt;&quot;"),
                       "the broken file's error, escaped: %s", xml);
    cr_assert_null(strstr(xml, "\"<&>\""), "nothing unescaped: %s", xml);
    cr_assert_not_null(strstr(xml, "</testsuites>"), "the document is complete");
    free(xml);
}

Test(eso_scenario_cli, schema_alone_is_skipped_and_fails_the_run)
{
    char schema[512], output[512];
    snprintf(schema, sizeof(schema), "%s/schema.json", getenv("ESO_SCENARIOS_DIR"));
    in_dir("output.txt", output, sizeof(output));
    const char *const args[] = {"run", schema, NULL};
    int rc = run_eso_scenario(args, output);
    char *out = read_text_file(output);
    cr_assert_not_null(out);
    cr_assert_eq(rc, 2, "nothing was run: exit 2, got %d\n%s", rc, out);
    cr_assert_not_null(strstr(out, "skipped"), "says the file was skipped: %s", out);
    cr_assert_not_null(strstr(out, "no scenario was run"), "says nothing ran: %s", out);
    cr_assert_null(strstr(out, "0 passed, 0 failed"), "no empty table: %s", out);
    free(out);
}

/*
 * A server's error message reaches the verdicts and the table. Raw, its "\n" forged a line
 * ("PASS forged: ...") and its ESC and BEL drove the terminal; the description did the same.
 */
static const char forge_scenario[] =
    "{\"name\":\"forge\",\"description\":\"desc\\u001b[31mred\\u0007\","
    "\"rules\":[{\"match\":{\"operation\":\"*\"},\"script\":[{\"action\":\"respond\","
    "\"status\":400,\"body\":{\"errors\":[{\"message\":\"boom\\nPASS forged: outcome expected "
    "ok, got ok\\u001b]0;pwned\\u0007\\u009b\"}],\"data\":null}}]}],"
    "\"expect\":{\"client\":{\"max_attempts\":1,\"bearer_token\":\"t\"},"
    "\"calls\":[{\"operation\":\"getZones\",\"expect\":{\"outcome\":\"ok\"}}]}}";

/* No control character but the line ends, and no line that starts as a forged verdict. */
static void assert_inert(const char *out)
{
    for (const unsigned char *p = (const unsigned char *)out; *p != '\0'; p++)
        cr_assert(*p >= 0x20 || *p == '\n', "raw control byte 0x%02x at offset %zu:\n%s", *p,
                  (size_t)(p - (const unsigned char *)out), out);
    cr_assert_null(strstr(out, "\xc2\x9b"), "a raw C1 control (CSI):\n%s", out);
    cr_assert_null(strstr(out, "\nPASS forged"), "a forged line:\n%s", out);
}

Test(eso_scenario_cli, text_output_escapes_what_servers_and_files_say)
{
    char forge[512], output[512];
    in_dir("forge.json", forge, sizeof(forge));
    in_dir("output.txt", output, sizeof(output));
    write_file(forge, forge_scenario);
    for (int quiet = 0; quiet < 2; quiet++) {
        const char *const args[] = {"run", quiet ? "--quiet" : "--time-scale",
                                    quiet ? forge : "0.05", quiet ? NULL : forge, NULL};
        int rc = run_eso_scenario(args, output);
        char *out = read_text_file(output);
        cr_assert_not_null(out);
        cr_assert_eq(rc, 1, "the outcome check fails: exit 1, got %d\n%s", rc, out);
        assert_inert(out);
        /* Escaped, in the verdict and in the table's first difference. */
        cr_assert_geq(count_of(out, "HTTP 400: boom\\nPASS forged: outcome expected ok, got "
                                    "ok\\x1b]0;pwned\\x07\\u009b"),
                      2, "the message, escaped, in the verdict and the table:\n%s", out);
        if (!quiet)
            cr_assert_not_null(strstr(out, "== forge: desc\\x1b[31mred\\x07\n"),
                               "the description, escaped:\n%s", out);
        free(out);
    }
}

Test(text, escape_keeps_text_on_its_line_and_utf8_whole)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"a\nb\rc\td", "a\\nb\\rc\\td"},
        {"back\\slash", "back\\slash"},
        {"\x1b[31m\x07\x7f\x01", "\\x1b[31m\\x07\\x7f\\x01"},
        {"csi \xc2\x9b nel \xc2\x85", "csi \\u009b nel \\u0085"},
        {"bad \xff \xc3 \xe2\x82 \xed\xa0\x80 \xc0\xaf",
         "bad \\xff \\xc3 \\xe2\\x82 \\xed\\xa0\\x80 \\xc0\\xaf"},
        {"\xc2\xa0 caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
         "\xc2\xa0 caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[128];
        cr_expect_str_eq(esoh__text_escape(cases[i].in, out, sizeof(out)), cases[i].out, "case %zu",
                         i);
        char *streamed = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&streamed, &len);
        cr_assert_not_null(f);
        esoh__text_put(f, cases[i].in);
        fclose(f);
        cr_expect_str_eq(streamed, cases[i].out, "case %zu, streamed", i);
        free(streamed);
    }
    /* Cut before an escape or a character that does not fit, never inside one. */
    char small[6];
    cr_assert_str_eq(esoh__text_escape("ab\x1b", small, sizeof(small)), "ab");
    cr_assert_str_eq(esoh__text_escape("abcd\xc3\xa9", small, sizeof(small)), "abcd");
    cr_assert_str_eq(esoh__text_escape(NULL, small, sizeof(small)), "");
}

/*
 * check applies exactly the rules run applies before it plays a file: a file without an
 * expect section, or with no calls, used to pass check ("1 scenario file valid") and then
 * be refused by run ("expect: missing, or without calls").
 */
Test(eso_scenario_cli, check_accepts_what_run_plays_and_nothing_else)
{
    static const struct {
        const char *file, *text;
    } refused[] = {
        {"noexpect.json", "{\"name\":\"no-expect\",\"rules\":[]}"},
        {"nocalls.json", "{\"name\":\"no-calls\",\"rules\":[],\"expect\":{\"calls\":[]}}"},
    };
    char output[512], errors[512], path[512];
    in_dir("output.txt", output, sizeof(output));
    in_dir("errors.txt", errors, sizeof(errors));
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        in_dir(refused[i].file, path, sizeof(path));
        write_file(path, refused[i].text);
        int rc = run_eso_scenario_split((const char *const[]){"check", path, NULL}, output, errors);
        char *out = read_text_file(output), *err = read_text_file(errors);
        cr_assert_eq(rc, 1, "check refuses %s: exit 1, got %d\n%s%s", refused[i].file, rc, out,
                     err);
        cr_assert_null(strstr(out, "valid"), "no \"valid\" line: %s", out);
        char *check_says = strstr(err, "expect");
        cr_assert_not_null(check_says, "check says why, naming the expect section: %s", err);
        size_t len = strcspn(check_says, "\n");

        rc = run_eso_scenario((const char *const[]){"run", "--quiet", path, NULL}, output);
        char *run_out = read_text_file(output);
        cr_assert_eq(rc, 1, "run refuses %s too: exit 1, got %d\n%s", refused[i].file, rc, run_out);
        char *same = strndup(check_says, len);
        cr_assert_not_null(strstr(run_out, same), "run gives check's reason \"%s\":\n%s", same,
                           run_out);
        free(same);
        free(run_out);
        free(out);
        free(err);
    }
    /* And the library, which run plays, passes check. */
    snprintf(path, sizeof(path), "%s/outage.json", getenv("ESO_SCENARIOS_DIR"));
    int rc = run_eso_scenario((const char *const[]){"check", path, NULL}, output);
    char *out = read_text_file(output);
    cr_assert_eq(rc, 0, "outage.json is valid: %s", out);
    cr_assert_not_null(strstr(out, "1 scenario file valid"), "%s", out);
    free(out);
}

/*
 * The expect section is checked in libesologs' own vocabulary: every status it has is an
 * outcome (protocol_error was missing from eso-mock's copy of the names, so check refused
 * it), and a mistake is named with its path, by check and run alike.
 */
Test(eso_scenario_cli, expect_is_checked_in_libesologs_vocabulary)
{
    char output[512], errors[512], path[512];
    in_dir("output.txt", output, sizeof(output));
    in_dir("errors.txt", errors, sizeof(errors));
    in_dir("protocol.json", path, sizeof(path));
    write_file(path, "{\"name\":\"p\",\"rules\":[],\"expect\":{\"calls\":[{\"operation\":"
                     "\"getZones\",\"expect\":{\"outcome\":\"protocol_error\"}}]}}");
    int rc = run_eso_scenario_split((const char *const[]){"check", path, NULL}, output, errors);
    char *out = read_text_file(output), *err = read_text_file(errors);
    cr_assert_eq(rc, 0, "protocol_error is an outcome: %s%s", out, err);
    free(out);
    free(err);

    in_dir("badop.json", path, sizeof(path));
    write_file(path, "{\"name\":\"b\",\"rules\":[],\"expect\":{\"calls\":[{\"operation\":"
                     "\"getZone\"}]}}");
    rc = run_eso_scenario_split((const char *const[]){"check", path, NULL}, output, errors);
    err = read_text_file(errors);
    cr_assert_eq(rc, 1, "an unknown operation is refused");
    cr_assert_not_null(strstr(err, "expect.calls[0].operation: unknown operation \"getZone\""),
                       "%s", err);
    free(err);
}

/* GNU habits: --help and -h on stdout with exit 0, --version, and a usage error is exit 2
 * with one line saying what is wrong and one saying where help is. */
Test(eso_scenario_cli, help_version_and_usage_errors)
{
    char output[512], errors[512];
    in_dir("output.txt", output, sizeof(output));
    in_dir("errors.txt", errors, sizeof(errors));
    static const char *const helps[][3] = {
        {"--help", NULL}, {"-h", NULL}, {"run", "--help", NULL}, {"check", "-h", NULL}};
    for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
        int rc = run_eso_scenario_split(helps[i], output, errors);
        char *out = read_text_file(output), *err = read_text_file(errors);
        cr_assert_eq(rc, 0, "%s: exit 0, got %d: %s", helps[i][0], rc, err);
        cr_assert_eq(strncmp(out, "Usage: eso-scenario run", 23), 0, "usage on stdout: %s", out);
        cr_assert_str_empty(err, "nothing on stderr: %s", err);
        free(out);
        free(err);
    }
    int rc = run_eso_scenario_split((const char *const[]){"--version", NULL}, output, errors);
    char *out = read_text_file(output);
    cr_assert_eq(rc, 0, "--version: exit 0, got %d", rc);
    cr_assert_eq(strncmp(out, "eso-scenario (esologs-harness) ", 31), 0, "%s", out);
    cr_assert_eq(count_of(out, "\n"), 1, "one line: %s", out);
    free(out);

    static const struct {
        const char *args[5];
        const char *says;
    } errors_cases[] = {
        {{NULL}, "missing command"},
        {{"frob", NULL}, "unknown command 'frob'"},
        {{"--bogus", NULL},
         "expected a command (run, conform, check or capture) before options, got '--bogus'"},
        {{"run", "--bogus", "x.json", NULL}, "unknown option '--bogus'"},
        {{"run", "-x", "x.json", NULL}, "unknown option '-x'"},
        {{"run", "--junit", NULL}, "option '--junit' needs a value"},
        {{"run", "--time-scale", "fast", "x.json", NULL}, "--time-scale wants a number"},
        {{"run", NULL}, "no scenario file given"},
        {{"check", "--json", "x.json", NULL},
         "--json is an option of run and conform, not of "
         "check"},
        {{"check", "--time-scale", "1", "x.json", NULL}, "--time-scale is an option of run"},
        {{"check", "--client-cmd", "true", "x.json", NULL}, "--client-cmd is an option of run"},
        {{"check", "--html", "r.html", "x.json", NULL}, "--html is an option of run"},
        {{"run", "--client-cmd", "", "x.json", NULL}, "--client-cmd wants a command"},
        {{"run", "--verbose", "x.json", NULL}, "--verbose is an option of conform, not of run"},
        {{"conform", "--json", NULL}, "--json is an option of run, not of conform"},
        {{"conform", "--quiet", NULL}, "--quiet is an option of run, not of conform"},
    };
    for (size_t i = 0; i < sizeof(errors_cases) / sizeof(errors_cases[0]); i++) {
        rc = run_eso_scenario_split(errors_cases[i].args, output, errors);
        char *stdout_text = read_text_file(output), *err = read_text_file(errors);
        cr_assert_eq(rc, 2, "case %zu: a usage error exits 2, got %d: %s", i, rc, err);
        cr_assert_str_empty(stdout_text, "case %zu: nothing on stdout: %s", i, stdout_text);
        cr_assert_eq(count_of(err, "\n"), 2, "case %zu: two lines: %s", i, err);
        cr_assert_eq(strncmp(err, "eso-scenario: ", 14), 0, "case %zu: %s", i, err);
        cr_assert_not_null(strstr(err, errors_cases[i].says), "case %zu: says \"%s\": %s", i,
                           errors_cases[i].says, err);
        cr_assert_not_null(strstr(err, "\nTry 'eso-scenario --help'.\n"), "case %zu: %s", i, err);
        free(stdout_text);
        free(err);
    }
}

/* Every time eso-scenario prints says which clock it is on. */
Test(eso_scenario_cli, times_are_labelled_scenario_or_real)
{
    char path[512], output[512];
    snprintf(path, sizeof(path), "%s/server-errors.json", getenv("ESO_SCENARIOS_DIR"));
    in_dir("output.txt", output, sizeof(output));
    int rc = run_eso_scenario((const char *const[]){"run", path, NULL}, output);
    char *out = read_text_file(output);
    cr_assert_eq(rc, 0, "server-errors.json passes: %s", out);
    /* (x 0.05, the default; x 1 under valgrind) */
    cr_assert_not_null(strstr(out, "times below are scenario time (real = scenario x "),
                       "the timeline's clock: %s", out);
    cr_assert_not_null(strstr(out, " s (http_503)"), "retry waits in seconds: %s", out);
    cr_assert_not_null(strstr(out, "elapsed_ms expected [590, 3500] scenario ms, got "),
                       "elapsed times in scenario ms: %s", out);
    cr_assert_not_null(strstr(out, " s of real time\n"), "the verdict's duration: %s", out);
    cr_assert_not_null(strstr(out, "real(s)"), "the table's column: %s", out);
    cr_assert_not_null(strstr(out, "total real time "), "the total: %s", out);
    cr_assert_null(strstr(out, "wall"), "no unlabelled \"wall\" time: %s", out);
    free(out);
}

/* libcurl's own resend repeats the X-Attempt of the attempt before it; the client counts
 * it as the next attempt. The timeline must still show what the server did to it. */
Test(timeline, a_libcurl_resend_joins_the_second_entry_of_its_attempt)
{
    struct esoh_fixture_event events[2] = {
        {.kind = ESO_EV_ATTEMPT_END,
         .call_id = 1,
         .attempt = 1,
         .status = ESO_CONNECTION_DROPPED,
         .at_ms = 1},
        {.kind = ESO_EV_ATTEMPT_END,
         .call_id = 1,
         .attempt = 2,
         .status = ESO_OK,
         .http_status = 200,
         .at_ms = 2},
    };
    struct esomock_journal_entry journal[2] = {
        {.seq = 1, .path = "/api/v2/client", .request_id = "run-1", .attempt = 1, .action = "drop"},
        {.seq = 2,
         .path = "/api/v2/client",
         .request_id = "run-1",
         .attempt = 1,
         .action = "pass",
         .status = 200},
    };
    struct esoh__call_label label = {.call_id = 1, .label = "call 1 getZones"};
    struct esoh__timeline_input in = {
        .name = "resend",
        .description = "",
        .path = "resend.json",
        .time_scale = 1,
        .events = events,
        .event_count = 2,
        .journal = journal,
        .journal_count = 2,
        .labels = &label,
        .label_count = 1,
        .passed = true,
    };
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert_not_null(out, "open_memstream");
    esoh__timeline_print_text(out, &in, false);
    fclose(out);
    cr_assert(strstr(text, "drop") != NULL, "attempt 1 shows the drop:\n%s", text);
    cr_assert(strstr(text, "pass 200") != NULL, "the resend shows the server's 200:\n%s", text);
    cr_assert(strstr(text, "pass 200 [libcurl resend]") != NULL &&
                  strstr(text, "(libcurl sent this attempt twice)") != NULL,
              "and says it is libcurl's own resend:\n%s", text);
    cr_assert(strstr(text, "drop [libcurl") == NULL, "the first is not a resend:\n%s", text);
    free(text);
}

/* A scenario check accepts and run plays in a moment (one call, answered normally), as
 * @p file in the test's directory. */
static void write_scenario(const char *file, const char *name)
{
    char path[512], text[512];
    snprintf(text, sizeof(text),
             "{\"name\":\"%s\",\"rules\":[],\"expect\":{\"client\":{\"bearer_token\":\"t\"},"
             "\"calls\":[{\"operation\":\"getZones\",\"expect\":{\"outcome\":\"ok\"}}]}}",
             name);
    write_file(in_dir(file, path, sizeof(path)), text);
}

/*
 * A directory stands for its *.json scenarios, in name order, for run and check as for
 * conform: every one of them (a fixed list of 64 once dropped the rest without a word),
 * never its subdirectories or schema.json; a directory with none is an error.
 */
Test(eso_scenario_cli, a_directory_stands_for_every_scenario_in_it)
{
    enum { MANY = 70 };
    char many[512], sub[512], two[512], output[512], path[512];
    in_dir("many", many, sizeof(many));
    in_dir("many/fixtures", sub, sizeof(sub));
    in_dir("two", two, sizeof(two));
    in_dir("output.txt", output, sizeof(output));
    cr_assert_eq(mkdir(many, 0700), 0);
    cr_assert_eq(mkdir(sub, 0700), 0);
    cr_assert_eq(mkdir(two, 0700), 0);
    for (int i = 0; i < MANY; i++) {
        char file[32], name[32];
        snprintf(file, sizeof(file), "many/s%02d.json", i);
        snprintf(name, sizeof(name), "s%02d", i);
        write_scenario(file, name);
    }
    write_file(in_dir("many/schema.json", path, sizeof(path)),
               "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"}");
    write_file(in_dir("many/fixtures/getZones.json", path, sizeof(path)),
               "{\"not\":\"a scenario\"}");

    int rc = run_eso_scenario((const char *const[]){"check", many, NULL}, output);
    char *out = read_text_file(output);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect_not_null(strstr(out, "70 scenario files valid"), "all 70 checked: %s", out);
    free(out);

    /* run: two of them, in name order, in one table. */
    write_scenario("two/b.json", "second");
    write_scenario("two/a.json", "first");
    rc = run_eso_scenario((const char *const[]){"run", "--quiet", two, NULL}, output);
    out = read_text_file(output);
    cr_expect_eq(rc, 0, "%s", out);
    char *first = strstr(out, "\nfirst "), *second = strstr(out, "\nsecond ");
    cr_expect(first != NULL && second != NULL && first < second, "both, in name order: %s", out);
    cr_expect_not_null(strstr(out, "2 passed, 0 failed"), "%s", out);
    free(out);

    /* A directory of other files is played as given (and refused); an empty one is an error,
     * not an empty success. */
    rc = run_eso_scenario((const char *const[]){"run", sub, NULL}, output);
    out = read_text_file(output);
    cr_expect_eq(rc, 1, "the fixture is not a scenario: %s", out);
    free(out);
    cr_assert_eq(unlink(in_dir("many/fixtures/getZones.json", path, sizeof(path))), 0);
    rc = run_eso_scenario((const char *const[]){"run", sub, NULL}, output);
    out = read_text_file(output);
    cr_expect_eq(rc, 2, "%s", out);
    cr_expect_not_null(strstr(out, "holds no scenario file"), "%s", out);
    free(out);

    for (int i = 0; i < MANY; i++) {
        char file[32];
        snprintf(file, sizeof(file), "many/s%02d.json", i);
        unlink(in_dir(file, path, sizeof(path)));
    }
    static const char *const rest[] = {"many/schema.json", "two/a.json", "two/b.json"};
    for (size_t i = 0; i < sizeof(rest) / sizeof(rest[0]); i++)
        unlink(in_dir(rest[i], path, sizeof(path)));
    rmdir(sub);
    rmdir(many);
    rmdir(two);
}
