/* The eso-mock command: flags, the listening line, the port file, clean stop on SIGTERM. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "http_helper.h"
#include "mock_test_util.h"

extern char **environ;

struct child {
    pid_t pid;
    FILE *out; /* the child's stdout */
    FILE *err; /* the child's stderr */
};

static const char *mock_bin(void)
{
    const char *bin = getenv("ESO_MOCK_BIN");
    cr_assert_not_null(bin, "ESO_MOCK_BIN is set by meson");
    return bin;
}

/* The child a test has not reaped yet: the suite kills it when an assertion ends the test
 * early (an eso-mock that does not stop must not outlive its test). */
static pid_t unreaped;

static void kill_unreaped(void)
{
    if (unreaped > 0) {
        kill(unreaped, SIGKILL);
        waitpid(unreaped, NULL, 0);
        unreaped = 0;
    }
}

TestSuite(cli, .fini = kill_unreaped);

static struct child spawn_mock(char *const extra[])
{
    char *argv[32] = {(char *)mock_bin()};
    int argc = 1;
    for (int i = 0; extra[i] != NULL && argc < 31; i++)
        argv[argc++] = extra[i];
    argv[argc] = NULL;

    int out_pipe[2], err_pipe[2];
    cr_assert_eq(pipe(out_pipe), 0);
    cr_assert_eq(pipe(err_pipe), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
    posix_spawn_file_actions_addclose(&actions, err_pipe[0]);
    struct child c = {0};
    cr_assert_eq(posix_spawn(&c.pid, argv[0], &actions, NULL, argv, environ), 0, "spawn %s",
                 argv[0]);
    posix_spawn_file_actions_destroy(&actions);
    unreaped = c.pid;
    close(out_pipe[1]);
    close(err_pipe[1]);
    c.out = fdopen(out_pipe[0], "r");
    c.err = fdopen(err_pipe[0], "r");
    return c;
}

/* Wait for the child and return its exit status (or 128 + signal). */
static int finish(struct child *c, char *err_text, size_t size)
{
    size_t n = fread(err_text, 1, size - 1, c->err);
    err_text[n] = '\0';
    int status = 0;
    waitpid(c->pid, &status, 0);
    unreaped = 0;
    fclose(c->out);
    fclose(c->err);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Test(cli, help_documents_every_flag, .timeout = 20)
{
    struct child c = spawn_mock((char *[]){"--help", NULL});
    char out[8192];
    size_t n = fread(out, 1, sizeof(out) - 1, c.out);
    out[n] = '\0';
    char err[256];
    cr_assert_eq(finish(&c, err, sizeof(err)), 0);
    const char *flags[] = {"--host",
                           "--port",
                           "--port-file",
                           "--fixtures",
                           "--scenario",
                           "--seed",
                           "--time-scale",
                           "--log",
                           "--strict-auth",
                           "--max-body",
                           "--max-connections",
                           "--proxy",
                           "--proxy-token-url",
                           "--proxy-timeout",
                           "--record",
                           "ESOLOGS_ID"};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        cr_assert(strstr(out, flags[i]) != NULL, "--help lacks %s", flags[i]);
}

/* GNU habits: -h and --help print the usage on stdout and exit 0, as --version does. */
Test(cli, help_and_version_exit_0_on_stdout, .timeout = 20)
{
    char *const *cases[] = {
        (char *[]){"-h", NULL},          (char *[]){"--help", NULL},
        (char *[]){"check", "-h", NULL}, (char *[]){"check", "--help", NULL},
        (char *[]){"--version", NULL},
    };
    static const char *const want[] = {"Usage: eso-mock", "Usage: eso-mock",
                                       "Usage: eso-mock check", "Usage: eso-mock check",
                                       "eso-mock "};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct child c = spawn_mock(cases[i]);
        char out[8192];
        size_t n = fread(out, 1, sizeof(out) - 1, c.out);
        out[n] = '\0';
        char err[1024];
        cr_assert_eq(finish(&c, err, sizeof(err)), 0, "case %zu exits 0: %s", i, err);
        cr_assert_eq(strncmp(out, want[i], strlen(want[i])), 0, "case %zu on stdout: %s", i, out);
        cr_assert_str_eq(err, "", "case %zu: nothing on stderr", i);
    }
}

Test(cli, bad_flags_exit_2_with_one_line_and_a_pointer_to_help, .timeout = 60)
{
    char *const cases[][3] = {
        {"--bogus", NULL, NULL},
        {"--port", "70000", NULL},
        {"--port", "abc", NULL},
        {"--time-scale", "-1", NULL},
        {"--threads", "0", NULL},
        {"stray-argument", NULL, NULL},
        {"--port", NULL, NULL},
        {"--max-connections", "0", NULL},
        {"--max-connections", "many", NULL},
        {"-x", NULL, NULL},
        {"--strict-auth=yes", NULL, NULL},
    };
    static const char *const says[] = {
        "unknown option '--bogus'",
        "--port wants 0-65535",
        "--port wants 0-65535",
        "--time-scale wants",
        "--threads wants",
        "unexpected argument 'stray-argument'",
        "option '--port' needs a value",
        "--max-connections wants",
        "--max-connections wants",
        "unknown option '-x'",
        "option '--strict-auth' takes no value",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct child c = spawn_mock(cases[i]);
        char err[8192];
        cr_assert_eq(finish(&c, err, sizeof(err)), 2, "case %zu (%s) should exit 2", i,
                     cases[i][0]);
        char want[256];
        snprintf(want, sizeof(want), "eso-mock: %s", says[i]);
        cr_assert_eq(strncmp(err, want, strlen(want)), 0, "case %zu: %s", i, err);
        const char *second = strchr(err, '\n');
        cr_assert_not_null(second, "case %zu: %s", i, err);
        cr_assert_str_eq(second + 1, "Try 'eso-mock --help' for more information.\n",
                         "case %zu: one line, then the pointer to --help: %s", i, err);
    }
}

Test(cli, serves_then_stops_cleanly_on_sigterm, .timeout = 30)
{
    char port_file[] = "/tmp/eso-mock-port-XXXXXX";
    int fd = mkstemp(port_file);
    cr_assert_geq(fd, 0);
    close(fd);
    struct child c =
        spawn_mock((char *[]){"--port", "0", "--port-file", port_file, "--log", "none", NULL});
    char line[256] = "";
    cr_assert_not_null(fgets(line, sizeof(line), c.out), "no first line on stdout");
    unsigned port = 0;
    cr_assert_eq(sscanf(line, "eso-mock listening on http://127.0.0.1:%u", &port), 1, "%s", line);
    cr_assert_neq(port, 0);

    /* The port file is written after the first line is flushed; the line means listening. */
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/__admin/health", port);
    struct http_result res;
    http_perform(&(struct http_request){.url = url}, &res);
    cr_assert_eq(res.status, 200);
    http_result_free(&res);

    kill(c.pid, SIGTERM);
    char err[512];
    cr_assert_eq(finish(&c, err, sizeof(err)), 0, "clean exit after SIGTERM: %s", err);
    char *written = read_text_file(port_file);
    cr_assert_not_null(written);
    cr_assert_eq((unsigned)strtoul(written, NULL, 10), port);
    free(written);
    remove(port_file);
}

Test(cli, broken_fixtures_stop_start_up_naming_the_file, .timeout = 20)
{
    char dir[] = "/tmp/eso-mock-cli-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/broken.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"operation\": \"x\",\n \"response\": }\n", f);
    fclose(f);
    struct child c = spawn_mock((char *[]){"--port", "0", "--fixtures", dir, NULL});
    char err[1024];
    cr_assert_eq(finish(&c, err, sizeof(err)), 1);
    cr_assert(strstr(err, "broken.json") != NULL && strstr(err, "line 2") != NULL, "%s", err);
    remove(path);
    rmdir(dir);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "write %s", path);
    fputs(text, f);
    fclose(f);
}

Test(cli, check_validates_scenarios_without_serving, .timeout = 20)
{
    char good[] = "/tmp/eso-mock-check-good-XXXXXX", bad[] = "/tmp/eso-mock-check-bad-XXXXXX";
    close(mkstemp(good));
    close(mkstemp(bad));
    write_file(good, "{\"name\":\"fine\",\"rules\":[]}");
    write_file(bad, "{\"name\":\"broken\",\"rules\":[{\"script\":[{\"action\":\"explode\"}]}]}");

    struct child c = spawn_mock((char *[]){"check", good, NULL});
    char err[2048];
    cr_assert_eq(finish(&c, err, sizeof(err)), 0, "%s", err);

    c = spawn_mock((char *[]){"check", good, bad, NULL});
    cr_assert_eq(finish(&c, err, sizeof(err)), 1);
    cr_assert(strstr(err, bad) != NULL, "names the file: %s", err);
    cr_assert(strstr(err, "rules[0].script[0].action") != NULL, "names the path: %s", err);
    cr_assert(strstr(err, "explode") != NULL, "says what was found: %s", err);

    c = spawn_mock((char *[]){"check", NULL});
    cr_assert_eq(finish(&c, err, sizeof(err)), 2, "no file is a usage error");
    remove(good);
    remove(bad);
}

/*
 * eso-mock cannot check eso-scenario's `expect` section: it plays the fault script and says,
 * on stdout beside the verdict, that the section went unchecked (it used to pass in silence).
 */
Test(cli, check_says_what_it_did_not_check, .timeout = 20)
{
    char path[] = "/tmp/eso-mock-check-expect-XXXXXX";
    close(mkstemp(path));
    write_file(path, "{\"name\":\"e\",\"rules\":[],\"expect\":{\"calls\":[{\"operation\":"
                     "\"noSuchOperation\"}]}}");
    struct child c = spawn_mock((char *[]){"check", path, NULL});
    char out[2048];
    size_t n = fread(out, 1, sizeof(out) - 1, c.out);
    out[n] = '\0';
    char err[2048];
    cr_assert_eq(finish(&c, err, sizeof(err)), 0, "the fault script is valid: %s", err);
    char note[512];
    snprintf(note, sizeof(note), "%s: expect: not checked here; eso-scenario check validates it\n",
             path);
    cr_assert(strstr(out, note) != NULL, "stdout says expect was not checked: %s", out);
    cr_assert(strstr(out, "1 scenario file valid") != NULL, "%s", out);
    cr_assert_str_eq(err, "", "nothing on stderr");

    /* A key nobody knows stays an error. */
    write_file(path, "{\"name\":\"e\",\"rules\":[],\"expekt\":{}}");
    c = spawn_mock((char *[]){"check", path, NULL});
    cr_assert_eq(finish(&c, err, sizeof(err)), 1);
    cr_assert(strstr(err, "expekt: unknown key; did you mean \"expect\"?") != NULL, "%s", err);
    remove(path);
}

/* A library scenario, expect section and all, is served (the section is eso-scenario's). */
Test(cli, serves_a_scenario_with_an_expect_section, .timeout = 30)
{
    char path[] = "/tmp/eso-mock-serve-expect-XXXXXX";
    close(mkstemp(path));
    write_file(path, "{\"name\":\"e\",\"rules\":[],\"expect\":{\"calls\":[]}}");
    struct child c =
        spawn_mock((char *[]){"--port", "0", "--scenario", path, "--log", "none", NULL});
    char line[256] = "";
    cr_assert_not_null(fgets(line, sizeof(line), c.out), "no first line on stdout");
    cr_assert(strncmp(line, "eso-mock listening on", 21) == 0, "%s", line);
    kill(c.pid, SIGTERM);
    char err[512];
    cr_assert_eq(finish(&c, err, sizeof(err)), 0, "%s", err);
    remove(path);
}

/* A typo in match fails check: an operation the API lacks, a field the schema lacks. */
Test(cli, check_fails_a_typo_in_match_with_a_did_you_mean, .timeout = 20)
{
    char file[] = "/tmp/eso-mock-check-typo-XXXXXX";
    close(mkstemp(file));
    write_file(file, "{\"name\":\"typo\",\"rules\":["
                     "{\"match\":{\"operation\":\"getZone\"},\"script\":[{\"action\":\"drop\"}]},"
                     "{\"match\":{\"field\":\"guildData.gulid\",\"arguments\":{\"id\":1}},"
                     "\"script\":[{\"action\":\"drop\"}]},"
                     "{\"match\":{\"field\":\"guildData.guild\",\"arguments\":{\"idd\":1}},"
                     "\"script\":[{\"action\":\"drop\"}]}]}");
    struct child c = spawn_mock((char *[]){"check", file, NULL});
    char err[4096];
    cr_assert_eq(finish(&c, err, sizeof(err)), 1, "%s", err);
    cr_assert(strstr(err, "rules[0].match.operation: unknown operation \"getZone\"") != NULL &&
                  strstr(err, "Did you mean \"getZones\"") != NULL,
              "%s", err);
    cr_assert(strstr(err, "rules[1].match.field: Cannot query field \"gulid\" on type "
                          "\"GuildData\". Did you mean \"guild\" or \"guilds\"?") != NULL,
              "%s", err);
    cr_assert(strstr(err, "rules[2].match.arguments: Unknown argument \"idd\" on field \"guild\". "
                          "Did you mean \"id\"?") != NULL,
              "%s", err);
    remove(file);
}

Test(cli, blackhole_url_is_the_second_line, .timeout = 20)
{
    struct child c = spawn_mock((char *[]){"--port", "0", "--blackhole", "--log", "none", NULL});
    char line[256] = "", second[256] = "";
    cr_assert_not_null(fgets(line, sizeof(line), c.out));
    cr_assert_not_null(fgets(second, sizeof(second), c.out));
    unsigned port = 0;
    cr_assert_eq(sscanf(second, "eso-mock blackhole on http://127.0.0.1:%u", &port), 1, "%s",
                 second);
    kill(c.pid, SIGTERM);
    char err[512];
    cr_assert_eq(finish(&c, err, sizeof(err)), 0, "%s", err);
}

Test(cli, watch_reloads_a_changed_scenario_and_keeps_it_when_an_edit_is_bad, .timeout = 30)
{
    char path[] = "/tmp/eso-mock-watch-XXXXXX";
    close(mkstemp(path));
    write_file(path, "{\"name\":\"first\",\"rules\":[]}");
    struct child c = spawn_mock((char *[]){"--port", "0", "--scenario", path, "--watch", NULL});
    char line[512] = "";
    cr_assert_not_null(fgets(line, sizeof(line), c.out));
    unsigned port = 0;
    cr_assert_eq(sscanf(line, "eso-mock listening on http://127.0.0.1:%u", &port), 1);

    /* Each reload says so on the log (stderr); reading it is the synchronisation. */
    write_file(path, "{\"name\":\"second\",\"rules\":[]}");
    bool reloaded = false;
    while (!reloaded && fgets(line, sizeof(line), c.err) != NULL)
        reloaded = strstr(line, "reloaded") != NULL;
    cr_assert(reloaded, "a reload line on stderr");
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/__admin/scenario", port);
    struct http_result res;
    http_perform(&(struct http_request){.url = url}, &res);
    cr_assert(strstr(res.body, "\"second\"") != NULL, "%s", res.body);
    http_result_free(&res);

    write_file(path, "{\"name\":\"third\",\"rules\":[{\"script\":[]}]}");
    bool refused = false;
    while (!refused && fgets(line, sizeof(line), c.err) != NULL)
        refused = strstr(line, "kept the previous scenario") != NULL;
    cr_assert(refused, "a bad edit is refused on stderr");
    http_perform(&(struct http_request){.url = url}, &res);
    cr_assert(strstr(res.body, "\"second\"") != NULL, "still the second: %s", res.body);
    http_result_free(&res);

    kill(c.pid, SIGTERM);
    char err[4096];
    cr_assert_eq(finish(&c, err, sizeof(err)), 0);
    remove(path);
}

/* A scenario file with 25 problems (scenario_with_errors). */
static void write_bad_scenario(const char *path)
{
    char *text = scenario_with_errors(25);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "write %s", path);
    fputs(text, f);
    fclose(f);
    free(text);
}

Test(cli, a_refused_scenario_reports_every_error_at_start_and_on_watch, .timeout = 30)
{
    char path[] = "/tmp/eso-mock-many-XXXXXX";
    close(mkstemp(path));
    write_bad_scenario(path);
    struct child c = spawn_mock((char *[]){"--port", "0", "--scenario", path, NULL});
    char err[16384];
    cr_assert_eq(finish(&c, err, sizeof(err)), 1, "%s", err);
    assert_names_every_error(err, 25);

    write_file(path, "{\"name\":\"first\",\"rules\":[]}");
    c = spawn_mock((char *[]){"--port", "0", "--scenario", path, "--watch", NULL});
    char line[1024] = "";
    cr_assert_not_null(fgets(line, sizeof(line), c.out));
    write_bad_scenario(path);
    bool refused = false;
    while (!refused && fgets(line, sizeof(line), c.err) != NULL)
        refused = strstr(line, "kept the previous scenario") != NULL;
    cr_assert(refused, "a bad edit is refused on stderr");
    /* The 25 lines follow the refusal line. */
    char lines[16384] = "";
    size_t used = 0;
    for (int i = 0; i < 25 && fgets(line, sizeof(line), c.err) != NULL; i++)
        used += (size_t)snprintf(lines + used, sizeof(lines) - used, "%s", line);
    assert_names_every_error(lines, 25);
    kill(c.pid, SIGTERM);
    cr_assert_eq(finish(&c, err, sizeof(err)), 0, "%s", err);
    remove(path);
}

/* `check` takes --fixtures DIR before or after the files, and checks fixture names there. */
Test(cli, check_accepts_fixtures_after_the_files, .timeout = 40)
{
    char dir[] = "/tmp/eso-mock-fixtures-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char fixture[128], scenario[] = "/tmp/eso-mock-check-fx-XXXXXX";
    snprintf(fixture, sizeof(fixture), "%s/getFactions.json", dir);
    write_file(fixture, "{\"operation\":\"getFactions\",\"response\":{\"data\":{}}}");
    close(mkstemp(scenario));
    /* getZones is in the default set, not in dir. */
    write_file(scenario, "{\"name\":\"fx\",\"rules\":[{\"script\":[{\"action\":\"respond\","
                         "\"status\":200,\"fixture\":\"getZones\"}]}]}");

    struct child c = spawn_mock((char *[]){"check", scenario, NULL});
    char err[4096];
    cr_assert_eq(finish(&c, err, sizeof(err)), 0, "the default set has getZones: %s", err);

    char *const *orders[] = {
        (char *[]){"check", scenario, "--fixtures", dir, NULL},
        (char *[]){"check", "--fixtures", dir, scenario, NULL},
    };
    for (size_t i = 0; i < 2; i++) {
        c = spawn_mock(orders[i]);
        cr_assert_eq(finish(&c, err, sizeof(err)), 1, "order %zu: %s", i, err);
        cr_assert(strstr(err, "no fixture named \"getZones\"") != NULL, "order %zu: %s", i, err);
        cr_assert(strstr(err, dir) != NULL, "order %zu names the directory: %s", i, err);
        cr_assert_null(strstr(err, "--fixtures:"), "order %zu: --fixtures is no file: %s", i, err);
    }

    c = spawn_mock((char *[]){"check", scenario, "--fixtures", NULL});
    cr_assert_eq(finish(&c, err, sizeof(err)), 2, "--fixtures without a directory: %s", err);
    c = spawn_mock((char *[]){"check", scenario, "--bogus", NULL});
    cr_assert_eq(finish(&c, err, sizeof(err)), 2, "unknown check option: %s", err);
    remove(fixture);
    rmdir(dir);
    remove(scenario);
}

/* --max-connections reaches the server: past the limit a new connection gets no answer. */
Test(cli, max_connections_limits_concurrent_connections, .timeout = 30)
{
    struct child c = spawn_mock((char *[]){"--port", "0", "--threads", "1", "--max-connections",
                                           "2", "--log", "none", NULL});
    char line[256] = "";
    cr_assert_not_null(fgets(line, sizeof(line), c.out));
    unsigned port = 0;
    cr_assert_eq(sscanf(line, "eso-mock listening on http://127.0.0.1:%u", &port), 1, "%s", line);
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/__admin/health", port);
    struct http_result res;
    http_perform(&(struct http_request){.url = url, .timeout_ms = 5000}, &res);
    cr_assert_eq(res.status, 200, "below the limit: %s", res.curl_error);
    http_result_free(&res);

    /* Two idle connections take both places. */
    int a = connect_loopback(port), b = connect_loopback(port);
    http_perform(&(struct http_request){.url = url, .timeout_ms = 2000}, &res);
    cr_assert_neq(res.status, 200, "a third connection is refused");
    http_result_free(&res);
    close(a);
    close(b);
    kill(c.pid, SIGTERM);
    char err[1024];
    cr_assert_eq(finish(&c, err, sizeof(err)), 0, "%s", err);
}

/*
 * Read the child's stderr (raw, never through its FILE buffer) until @p needle has appeared
 * or @p timeout_ms has passed; true when it appeared. @p seen accumulates what was read.
 */
static bool stderr_shows(struct child *c, const char *needle, int timeout_ms, char *seen,
                         size_t size)
{
    size_t len = strlen(seen);
    double deadline = mono_ms() + timeout_ms;
    while (strstr(seen, needle) == NULL) {
        int left = (int)(deadline - mono_ms());
        struct pollfd p = {.fd = fileno(c->err), .events = POLLIN};
        if (left <= 0 || poll(&p, 1, left) != 1)
            return false;
        if (len + 1 >= size) {
            /* Keep the tail: the needle may be arriving. */
            memmove(seen, seen + size / 2, len - size / 2 + 1);
            len -= size / 2;
        }
        ssize_t n = read(fileno(c->err), seen + len, size - 1 - len);
        if (n <= 0)
            return false;
        len += (size_t)n;
        seen[len] = '\0';
    }
    return true;
}

/* SIGTERM the child and wait (bounded) for its exit status; a hung child fails the test. */
static int stop_child(struct child *c, int timeout_ms)
{
    kill(c->pid, SIGTERM);
    char rest[4096] = "";
    /* The child's stderr closes when it exits. */
    double deadline = mono_ms() + timeout_ms;
    for (;;) {
        int left = (int)(deadline - mono_ms());
        struct pollfd p = {.fd = fileno(c->err), .events = POLLIN};
        if (left <= 0 || poll(&p, 1, left) != 1) {
            kill_unreaped();
            fclose(c->out);
            fclose(c->err);
            cr_assert_fail("eso-mock did not stop within %d ms of SIGTERM", timeout_ms);
        }
        if (read(fileno(c->err), rest, sizeof(rest)) <= 0)
            break;
    }
    int status = 0;
    waitpid(c->pid, &status, 0);
    unreaped = 0;
    fclose(c->out);
    fclose(c->err);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Start eso-mock --watch on @p path; returns the port from its first line. */
static unsigned start_watching(struct child *c, char *path)
{
    *c = spawn_mock((char *[]){"--port", "0", "--scenario", path, "--watch", NULL});
    char line[512] = "";
    cr_assert_not_null(fgets(line, sizeof(line), c->out));
    unsigned port = 0;
    cr_assert_eq(sscanf(line, "eso-mock listening on http://127.0.0.1:%u", &port), 1, "%s", line);
    return port;
}

static void assert_scenario_name(unsigned port, const char *name)
{
    char url[128], quoted[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/__admin/scenario", port);
    snprintf(quoted, sizeof(quoted), "\"name\":\"%s\"", name);
    struct http_result res;
    http_perform(&(struct http_request){.url = url}, &res);
    cr_assert(strstr(res.body, quoted) != NULL, "want %s: %s", name, res.body);
    http_result_free(&res);
}

/* A FIFO in place of the scenario is never opened: the watcher says so and SIGTERM works. */
Test(cli, watch_ignores_a_fifo_put_in_place_of_the_scenario_and_still_stops, .timeout = 40)
{
    char path[] = "/tmp/eso-mock-fifo-XXXXXX";
    close(mkstemp(path));
    write_file(path, "{\"name\":\"first\",\"rules\":[]}");
    struct child c;
    unsigned port = start_watching(&c, path);
    cr_assert_eq(remove(path), 0);
    cr_assert_eq(mkfifo(path, 0600), 0, "mkfifo %s", path);
    char seen[8192] = "";
    cr_assert(stderr_shows(&c, "is not a regular file", 10000, seen, sizeof(seen)),
              "the watcher says it kept the scenario: %s", seen);
    assert_scenario_name(port, "first");
    cr_assert_eq(stop_child(&c, 10000), 0, "a clean stop");
    remove(path);
}

/* The same length, the old mtime put back (cp -p, rsync -t, touch -r): still reloaded. */
Test(cli, watch_sees_a_same_size_edit_with_the_mtime_put_back, .timeout = 40)
{
    char path[] = "/tmp/eso-mock-mtime-XXXXXX";
    close(mkstemp(path));
    write_file(path, "{\"name\":\"name-a\",\"rules\":[]}");
    struct stat before;
    cr_assert_eq(stat(path, &before), 0);
    struct child c;
    unsigned port = start_watching(&c, path);

    write_file(path, "{\"name\":\"name-b\",\"rules\":[]}");
    struct timespec times[2] = {before.st_atim, before.st_mtim};
    cr_assert_eq(utimensat(AT_FDCWD, path, times, 0), 0);
    char seen[8192] = "";
    cr_assert(stderr_shows(&c, "reloaded", 10000, seen, sizeof(seen)),
              "an in-place edit with the old mtime is reloaded: %s", seen);
    assert_scenario_name(port, "name-b");

    /* An atomic rename of a file carrying the old mtime: a new inode. */
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%s.new", path);
    write_file(tmp, "{\"name\":\"name-c\",\"rules\":[]}");
    cr_assert_eq(utimensat(AT_FDCWD, tmp, times, 0), 0);
    cr_assert_eq(rename(tmp, path), 0);
    seen[0] = '\0';
    cr_assert(stderr_shows(&c, "reloaded", 10000, seen, sizeof(seen)),
              "a rename with the old mtime is reloaded: %s", seen);
    assert_scenario_name(port, "name-c");
    cr_assert_eq(stop_child(&c, 10000), 0);
    remove(path);
}

/* Loading a FIFO as the scenario at start fails at once instead of waiting for a writer. */
Test(cli, a_fifo_as_the_scenario_is_refused_at_start, .timeout = 40)
{
    char dir[] = "/tmp/eso-mock-fifo-dir-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/scenario.json", dir);
    cr_assert_eq(mkfifo(path, 0600), 0);
    struct child c = spawn_mock((char *[]){"--port", "0", "--scenario", path, NULL});
    char seen[4096] = "";
    cr_assert(stderr_shows(&c, "not a regular file", 10000, seen, sizeof(seen)), "%s", seen);
    char err[1024];
    cr_assert_eq(finish(&c, err, sizeof(err)), 1);
    remove(path);
    rmdir(dir);
}
