/*
 * Running eso-scenario from a test: the binary meson built, its output captured, and the
 * tools the client adapters need (a Python, Node) found or the test skipped.
 */
#ifndef ESO_SCENARIO_RUN_H
#define ESO_SCENARIO_RUN_H

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

extern char **environ;

/* A file's whole text (NUL-terminated), or NULL. */
static inline char *scenario_run_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap + 1);
    size_t n;
    while (text != NULL && (n = fread(text + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            char *grown = realloc(text, cap * 2 + 1);
            if (grown == NULL) {
                free(text);
                text = NULL;
                break;
            }
            text = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (text != NULL)
        text[len] = '\0';
    return text;
}

/*
 * Run eso-scenario with @p args (NULL-terminated, after the program's name), stdout and
 * stderr into a fresh temporary file whose text *output receives (the caller frees it).
 * @return its exit status (the test fails if it does not exit).
 */
static inline int scenario_run(const char *const *args, char **output)
{
    const char *bin = getenv("ESO_SCENARIO_BIN");
    cr_assert(bin != NULL && bin[0] != '\0', "ESO_SCENARIO_BIN is not set");
    char path[] = "/tmp/eso-scenario-run-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0, "mkstemp");
    char *argv[32] = {(char *)bin};
    size_t n = 1;
    for (; args[n - 1] != NULL && n < 31; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fd, 1);
    posix_spawn_file_actions_adddup2(&actions, fd, 2);
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fd);
    cr_assert_eq(rc, 0, "cannot start %s: %s", bin, strerror(rc));
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid, "waitpid");
    *output = scenario_run_read(path);
    unlink(path);
    cr_assert_not_null(*output, "no output from eso-scenario");
    cr_assert(WIFEXITED(status), "eso-scenario did not exit (status %d): %s", status, *output);
    return WEXITSTATUS(status);
}

/* A file in the source tree ("examples/python/naive.py"), into @p buf. */
static inline const char *source_path(const char *relative, char *buf, size_t size)
{
    const char *root = getenv("ESO_SOURCE_ROOT");
    snprintf(buf, size, "%s/%s", root != NULL ? root : ".", relative);
    return buf;
}

/* The Python the build found (meson's), else python3 from PATH. */
static inline const char *python(void)
{
    const char *p = getenv("ESO_PYTHON");
    return p != NULL && p[0] != '\0' ? p : "python3";
}

/* Whether @p program runs (an absolute path, or found on PATH). */
static inline bool have_program(const char *program)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null 2>&1", program);
    return system(cmd) == 0;
}

/* The first scenario object of eso-scenario's --json output whose "scenario" is @p name
 * (NULL: the first of all); the caller frees it with cJSON_Delete. */
static inline cJSON *scenario_json(const char *output, const char *name)
{
    for (const char *line = output; line != NULL && *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        cJSON *json = cJSON_ParseWithLength(line, len);
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(json, "scenario");
        if (cJSON_IsString(s) && (name == NULL || strcmp(s->valuestring, name) == 0))
            return json;
        cJSON_Delete(json);
        line = end != NULL ? end + 1 : NULL;
    }
    return NULL;
}

/* The check of @p report whose behaviour is @p behaviour and what is @p what. */
static inline const cJSON *find_check(const cJSON *report, const char *behaviour, const char *what)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "checks"))
    {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(c, "behaviour");
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(c, "what");
        if (cJSON_IsString(w) && strcmp(w->valuestring, what) == 0 &&
            (behaviour == NULL || (cJSON_IsString(b) && strcmp(b->valuestring, behaviour) == 0)))
            return c;
    }
    return NULL;
}

#endif
