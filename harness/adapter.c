/*
 * Running a client adapter: spawn it in its own process group with the mock's URLs and
 * credentials in its environment, speak eso-adapter/1 with it, keep what it says on stderr,
 * and end it however it behaves. Its stdin is a socket, not a pipe, so writing to an adapter
 * that died is an error to report (send with MSG_NOSIGNAL), never a SIGPIPE that kills the
 * harness.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "adapter_private.h"
#include "text_private.h"

extern char **environ;

struct esoh__adapter {
    pid_t pid;
    int in;  /* our end of its stdin (a socket) */
    int out; /* its stdout */
    bool exited;
    int wait_status;
    char *line; /* bytes of stdout not yet a whole line */
    size_t line_len;
    char *secret; /* masked in stderr */

    pthread_t stderr_thread;
    bool stderr_running;
    int err; /* its stderr */
    pthread_mutex_t lock;
    char head[ESOH__ADAPTER_STDERR_KEEP]; /* the first bytes */
    size_t head_len;
    char tail[ESOH__ADAPTER_STDERR_KEEP]; /* the last bytes, a ring */
    size_t tail_pos;
    size_t tail_len;
    unsigned long long stderr_total;
    bool stop_stderr;
    bool stderr_done; /* the drain saw its end: every byte written is kept */
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- stderr: drained all the time, so a chatty adapter never blocks on a full pipe ------ */

static void keep_stderr(struct esoh__adapter *a, const char *buf, size_t n)
{
    pthread_mutex_lock(&a->lock);
    a->stderr_total += n;
    size_t to_head = ESOH__ADAPTER_STDERR_KEEP - a->head_len;
    to_head = to_head < n ? to_head : n;
    memcpy(a->head + a->head_len, buf, to_head);
    a->head_len += to_head;
    for (size_t i = to_head; i < n; i++) {
        a->tail[a->tail_pos] = buf[i];
        a->tail_pos = (a->tail_pos + 1) % ESOH__ADAPTER_STDERR_KEEP;
        if (a->tail_len < ESOH__ADAPTER_STDERR_KEEP)
            a->tail_len++;
    }
    pthread_mutex_unlock(&a->lock);
}

static void *drain_stderr(void *arg)
{
    struct esoh__adapter *a = arg;
    char buf[4096];
    for (;;) {
        struct pollfd p = {.fd = a->err, .events = POLLIN};
        int r = poll(&p, 1, 50);
        if (r < 0 && errno != EINTR)
            break;
        if (r > 0) {
            ssize_t n = read(a->err, buf, sizeof(buf));
            if (n > 0) {
                keep_stderr(a, buf, (size_t)n);
                continue;
            }
            if (n == 0 || (errno != EINTR && errno != EAGAIN))
                break;
        }
        pthread_mutex_lock(&a->lock);
        bool stop = a->stop_stderr;
        pthread_mutex_unlock(&a->lock);
        if (stop && r == 0)
            break; /* a grandchild may hold it open forever */
    }
    pthread_mutex_lock(&a->lock);
    a->stderr_done = true;
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

static bool stderr_drained(struct esoh__adapter *a)
{
    pthread_mutex_lock(&a->lock);
    bool done = a->stderr_done;
    pthread_mutex_unlock(&a->lock);
    return done;
}

/* Replace every @p secret in @p text (in place, same length or shorter). */
static void mask(char *text, const char *secret)
{
    static const char redacted[] = "[redacted]";
    size_t n = secret != NULL ? strlen(secret) : 0;
    if (n < 4) /* too short to find without masking innocent text */
        return;
    char *p;
    while ((p = strstr(text, secret)) != NULL) {
        size_t r = n < sizeof(redacted) - 1 ? n : sizeof(redacted) - 1;
        memcpy(p, redacted, r);
        memmove(p + r, p + n, strlen(p + n) + 1);
    }
}

/* Bearer tokens an adapter logged: the token itself goes. */
static void mask_bearer(char *text)
{
    for (char *p = strstr(text, "Bearer "); p != NULL; p = strstr(p + 7, "Bearer ")) {
        char *token = p + 7;
        size_t len = strcspn(token, " \t\r\n\"',;");
        if (len == 0)
            continue;
        static const char redacted[] = "[redacted]";
        size_t r = len < sizeof(redacted) - 1 ? len : sizeof(redacted) - 1;
        memcpy(token, redacted, r);
        memmove(token + r, token + len, strlen(token + len) + 1);
    }
}

static char *stderr_copy(struct esoh__adapter *a)
{
    pthread_mutex_lock(&a->lock);
    size_t cap = a->head_len + a->tail_len + 64;
    char *text = malloc(cap);
    if (text != NULL) {
        memcpy(text, a->head, a->head_len);
        size_t used = a->head_len;
        unsigned long long skipped = a->stderr_total - a->head_len - a->tail_len;
        if (skipped > 0)
            used += (size_t)snprintf(text + used, cap - used, "\n[... %llu bytes ...]\n", skipped);
        size_t start =
            (a->tail_pos + ESOH__ADAPTER_STDERR_KEEP - a->tail_len) % ESOH__ADAPTER_STDERR_KEEP;
        for (size_t i = 0; i < a->tail_len; i++)
            text[used++] = a->tail[(start + i) % ESOH__ADAPTER_STDERR_KEEP];
        text[used] = '\0';
        /* NUL bytes it wrote would cut the text short: they become spaces. */
        for (size_t i = 0; i < used; i++)
            text[i] = text[i] == '\0' ? ' ' : text[i];
    }
    pthread_mutex_unlock(&a->lock);
    if (text != NULL) {
        mask(text, a->secret);
        mask_bearer(text);
    }
    return text;
}

/* The last non-empty line of its stderr so far, for an error message. */
static void stderr_last_line(struct esoh__adapter *a, char *buf, size_t size)
{
    buf[0] = '\0';
    char *text = stderr_copy(a);
    if (text == NULL)
        return;
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        text[--len] = '\0';
    char *last = strrchr(text, '\n');
    char escaped[512];
    esoh__text_escape(last != NULL ? last + 1 : text, escaped, sizeof(escaped));
    snprintf(buf, size, "%s", escaped);
    free(text);
}

/* ---- the process ------------------------------------------------------------------------ */

static void describe_status(int status, char *buf, size_t size)
{
    if (WIFEXITED(status))
        snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, size, "ended (wait status %d)", status);
}

/* Reap the adapter if it ended; true when it has. */
static bool reaped(struct esoh__adapter *a)
{
    if (a->exited)
        return true;
    int status = 0;
    pid_t r = waitpid(a->pid, &status, WNOHANG);
    if (r == a->pid) {
        a->exited = true;
        a->wait_status = status;
    }
    return a->exited;
}

/* Why the adapter is gone, with the last thing it said on stderr. */
static void gone(struct esoh__adapter *a, const char *what, char *err, size_t size)
{
    /* A process that closed its stdout is usually exiting: give it a moment to be reaped,
     * and its stderr a moment to be read to its end (the drain may lag the exit: what it
     * said last is why it went). A grandchild holding stderr open only costs the moment. */
    double until = now_ms() + 500;
    while (!(reaped(a) && (!a->stderr_running || stderr_drained(a))) && now_ms() < until) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    char status[96] = "is still running", last[512];
    if (a->exited)
        describe_status(a->wait_status, status, sizeof(status));
    stderr_last_line(a, last, sizeof(last));
    snprintf(err, size, "the client command %s (%s)%s%s", what, status,
             last[0] ? "; its stderr ends: " : "", last);
}

static char *env_entry(const char *name, const char *value)
{
    size_t n = strlen(name) + strlen(value) + 2;
    char *s = malloc(n);
    if (s != NULL)
        snprintf(s, n, "%s=%s", name, value);
    return s;
}

static bool ours(const char *entry)
{
    static const char *const names[] = {"ESOLOGS_API_URL=", "ESOLOGS_TOKEN_URL=", "ESOLOGS_ID=",
                                        "ESOLOGS_SECRET=", "ESO_TIME_SCALE="};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strncmp(entry, names[i], strlen(names[i])) == 0)
            return true;
    }
    return false;
}

static int spawn(struct esoh__adapter *a, const struct esoh__adapter_setup *s, char *err,
                 size_t size)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1};
    char **envp = NULL;
    char scale[32];
    int rc = -1;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    bool have_actions = false, have_attr = false;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0 || pipe2(out, O_CLOEXEC) != 0 ||
        pipe2(errp, O_CLOEXEC) != 0) {
        snprintf(err, size, "cannot make pipes for the client command: %s", strerror(errno));
        goto out;
    }
    size_t n = 0;
    while (environ[n] != NULL)
        n++;
    envp = calloc(n + 6, sizeof(*envp));
    if (envp == NULL)
        goto oom;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ours(environ[i]))
            envp[k++] = environ[i];
    }
    snprintf(scale, sizeof(scale), "%.17g", s->time_scale);
    size_t first_own = k;
    envp[k++] = env_entry("ESOLOGS_API_URL", s->api_url);
    envp[k++] = env_entry("ESOLOGS_TOKEN_URL", s->token_url);
    envp[k++] = env_entry("ESOLOGS_ID", s->client_id);
    envp[k++] = env_entry("ESOLOGS_SECRET", s->client_secret);
    envp[k++] = env_entry("ESO_TIME_SCALE", scale);
    for (size_t i = first_own; i < k; i++) {
        if (envp[i] == NULL)
            goto oom;
    }
    if (posix_spawn_file_actions_init(&actions) != 0)
        goto oom;
    have_actions = true;
    if (posix_spawnattr_init(&attr) != 0)
        goto oom;
    have_attr = true;
    posix_spawn_file_actions_adddup2(&actions, in[1], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, errp[1], 2);
    /* Its own process group: ending it ends whatever it started too. */
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    char *argv[] = {"/bin/sh", "-c", (char *)s->command, NULL};
    int e = posix_spawn(&a->pid, "/bin/sh", &actions, &attr, argv, envp);
    if (e != 0) {
        snprintf(err, size, "cannot start /bin/sh for the client command: %s", strerror(e));
        goto out;
    }
    a->in = in[0];
    a->out = out[0];
    a->err = errp[0];
    in[0] = out[0] = errp[0] = -1;
    rc = 0;
    goto out;
oom:
    snprintf(err, size, "out of memory starting the client command");
out:
    if (have_actions)
        posix_spawn_file_actions_destroy(&actions);
    if (have_attr)
        posix_spawnattr_destroy(&attr);
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (out[i] >= 0)
            close(out[i]);
        if (errp[i] >= 0)
            close(errp[i]);
    }
    if (envp != NULL) {
        for (size_t i = 0; envp[i] != NULL; i++) {
            if (ours(envp[i]))
                free(envp[i]);
        }
    }
    free(envp);
    return rc;
}

/* ---- lines ------------------------------------------------------------------------------ */

int esoh__adapter_send(struct esoh__adapter *a, const cJSON *line, char *err, size_t size)
{
    char *text = cJSON_PrintUnformatted(line);
    if (text == NULL) {
        snprintf(err, size, "out of memory writing to the client command");
        return -1;
    }
    size_t len = strlen(text);
    text[len] = '\n'; /* the NUL becomes the line's end; len + 1 bytes go */
    size_t sent = 0;
    int rc = 0;
    while (sent < len + 1) {
        ssize_t n = send(a->in, text + sent, len + 1 - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            char what[96];
            snprintf(what, sizeof(what), "stopped reading its stdin (%s)", strerror(errno));
            gone(a, what, err, size);
            rc = -1;
            break;
        }
        sent += (size_t)n;
    }
    free(text);
    return rc;
}

/* Take one whole line out of the buffer into a new string; NULL when there is none yet. */
static char *take_line(struct esoh__adapter *a)
{
    char *nl = a->line_len > 0 ? memchr(a->line, '\n', a->line_len) : NULL;
    if (nl == NULL)
        return NULL;
    size_t n = (size_t)(nl - a->line);
    char *s = malloc(n + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, a->line, n);
    s[n] = '\0';
    if (n > 0 && s[n - 1] == '\r')
        s[n - 1] = '\0';
    memmove(a->line, nl + 1, a->line_len - n - 1);
    a->line_len -= n + 1;
    return s;
}

/* The next line of its stdout within @p timeout_ms: 1 with *out, 0 on time out, -1 (err). */
static int read_line(struct esoh__adapter *a, double timeout_ms, char **out, char *err, size_t size)
{
    double deadline = now_ms() + timeout_ms;
    for (;;) {
        char *line = take_line(a);
        if (line != NULL) {
            *out = line;
            return 1;
        }
        if (a->line_len >= ESOH__ADAPTER_MAX_LINE) {
            snprintf(err, size, "the client command wrote a line longer than %u bytes",
                     ESOH__ADAPTER_MAX_LINE);
            return -1;
        }
        double left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = {.fd = a->out, .events = POLLIN};
        int r = poll(&p, 1, left > 1000 ? 1000 : (int)left + 1);
        if (r < 0 && errno != EINTR) {
            snprintf(err, size, "cannot read the client command's stdout: %s", strerror(errno));
            return -1;
        }
        if (r <= 0)
            continue;
        if (a->line == NULL) {
            a->line = malloc(ESOH__ADAPTER_MAX_LINE + 1);
            if (a->line == NULL) {
                snprintf(err, size, "out of memory reading the client command");
                return -1;
            }
        }
        ssize_t n = read(a->out, a->line + a->line_len, ESOH__ADAPTER_MAX_LINE - a->line_len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0) {
            gone(a, n == 0 ? "closed its stdout" : "cannot be read", err, size);
            return -1;
        }
        a->line_len += (size_t)n;
    }
}

/* "wrote X instead of Y", with X quoted and cut. */
static void unexpected(const char *line, const char *wanted, char *err, size_t size)
{
    char quoted[160];
    esoh__text_escape(line, quoted, sizeof(quoted));
    snprintf(err, size, "the client command wrote \"%s%s\" where %s was due", quoted,
             strlen(line) >= sizeof(quoted) - 1 ? "..." : "", wanted);
}

static cJSON *typed_line(const char *line, const char *type)
{
    cJSON *json = cJSON_Parse(line);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(json, "type");
    if (cJSON_IsObject(json) && cJSON_IsString(t) && strcmp(t->valuestring, type) == 0)
        return json;
    cJSON_Delete(json);
    return NULL;
}

int esoh__adapter_read(struct esoh__adapter *a, double timeout_ms, cJSON **out, char *err,
                       size_t size)
{
    char *line = NULL;
    int r = read_line(a, timeout_ms, &line, err, size);
    if (r <= 0)
        return r;
    *out = typed_line(line, "result");
    if (*out == NULL) {
        unexpected(line, "a result line ({\"type\":\"result\",...})", err, size);
        free(line);
        return -1;
    }
    free(line);
    return 1;
}

int esoh__adapter_start(const struct esoh__adapter_setup *setup, struct esoh__adapter **out,
                        char *err, size_t size)
{
    *out = NULL;
    struct esoh__adapter *a = calloc(1, sizeof(*a));
    if (a == NULL) {
        snprintf(err, size, "out of memory starting the client command");
        return -1;
    }
    a->in = a->out = a->err = -1;
    pthread_mutex_init(&a->lock, NULL);
    a->secret = setup->client_secret != NULL ? strdup(setup->client_secret) : NULL;
    if (spawn(a, setup, err, size) != 0) {
        pthread_mutex_destroy(&a->lock);
        free(a->secret);
        free(a);
        return -1;
    }
    a->stderr_running = pthread_create(&a->stderr_thread, NULL, drain_stderr, a) == 0;

    cJSON *hello = cJSON_CreateObject();
    cJSON_AddStringToObject(hello, "type", "hello");
    cJSON_AddStringToObject(hello, "protocol", ESOH__ADAPTER_PROTOCOL);
    cJSON_AddStringToObject(hello, "scenario", setup->scenario != NULL ? setup->scenario : "");
    cJSON_AddNumberToObject(hello, "time_scale", setup->time_scale);
    int rc = esoh__adapter_send(a, hello, err, size);
    cJSON_Delete(hello);
    char *line = NULL;
    int r = rc == 0 ? read_line(a, setup->ready_ms, &line, err, size) : -1;
    if (r == 0) {
        char what[96];
        snprintf(what, sizeof(what), "said nothing within %g s of starting (no ready line)",
                 setup->ready_ms / 1000.0);
        gone(a, what, err, size);
    } else if (r > 0) {
        cJSON *ready = typed_line(line, "ready");
        const cJSON *protocol = cJSON_GetObjectItemCaseSensitive(ready, "protocol");
        if (ready == NULL)
            unexpected(line,
                       "its ready line ({\"type\":\"ready\",\"protocol\":\"" ESOH__ADAPTER_PROTOCOL
                       "\"})",
                       err, size);
        else if (!cJSON_IsString(protocol) ||
                 strcmp(protocol->valuestring, ESOH__ADAPTER_PROTOCOL) != 0)
            snprintf(err, size, "the client command speaks %s%.40s%s; this harness speaks %s",
                     cJSON_IsString(protocol) ? "\"" : "",
                     cJSON_IsString(protocol) ? protocol->valuestring : "no protocol it named",
                     cJSON_IsString(protocol) ? "\"" : "", ESOH__ADAPTER_PROTOCOL);
        else
            rc = 1;
        cJSON_Delete(ready);
    }
    free(line);
    if (rc != 1) {
        esoh__adapter_stop(a, 0, NULL, 0, NULL);
        return -1;
    }
    *out = a;
    return 0;
}

void esoh__adapter_stop(struct esoh__adapter *a, double grace_ms, char *status, size_t size,
                        char **stderr_text)
{
    if (stderr_text != NULL)
        *stderr_text = NULL;
    if (a == NULL)
        return;
    if (a->in >= 0) {
        shutdown(a->in, SHUT_WR); /* end of its stdin: its cue to exit */
        close(a->in);
        a->in = -1;
    }
    for (double until = now_ms() + grace_ms; !reaped(a) && now_ms() < until;) {
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    /* The group is signalled only while its leader is not reaped: until then its id cannot
     * name anyone else's processes. */
    const char *how = "";
    if (!reaped(a)) {
        how = " (ended by the harness)";
        kill(-a->pid, SIGTERM);
        for (double until = now_ms() + 500; !reaped(a) && now_ms() < until;) {
            struct timespec ts = {0, 2 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        if (!reaped(a)) {
            kill(-a->pid, SIGKILL);
            if (waitpid(a->pid, &a->wait_status, 0) == a->pid)
                a->exited = true;
        }
    }
    if (status != NULL && size > 0) {
        char text[96];
        describe_status(a->wait_status, text, sizeof(text));
        snprintf(status, size, "%s%s", text, how);
    }
    if (a->stderr_running) {
        pthread_mutex_lock(&a->lock);
        a->stop_stderr = true;
        pthread_mutex_unlock(&a->lock);
        pthread_join(a->stderr_thread, NULL);
    }
    if (stderr_text != NULL)
        *stderr_text = stderr_copy(a);
    if (a->out >= 0)
        close(a->out);
    if (a->err >= 0)
        close(a->err);
    pthread_mutex_destroy(&a->lock);
    free(a->line);
    free(a->secret);
    free(a);
}
