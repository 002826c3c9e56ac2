/*
 * The HTML report: one self-contained page (inline CSS, SVG and a little script; nothing is
 * fetched) drawn from the runner's report objects. Per scenario a timeline in three lanes:
 * the client's calls with their attempts and the waits between them, what the server did to
 * each request (fault, status, delay), the breaker where the client says (libesologs), then
 * the verdicts. Hovering a request shows its journal entry. It works without the script
 * (each shape has a <title>); the script adds the detail panel and writes each verdict's
 * computed colour into the DOM, so a browser's DOM dump shows what a reader sees.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner_private.h"
#include "text_private.h"

#define WIDTH 1100.0
#define LEFT 120.0
#define RIGHT 20.0
#define ROW 18.0
#define MAX_ROWS 24

/* ---- escaping ---------------------------------------------------------------------------- */

/* Text for HTML content or a quoted attribute (the page says charset=utf-8). */
static void put(FILE *out, const char *s)
{
    esoh__markup_put(out, s, "\n\t", ' ');
}

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double num(const cJSON *obj, const char *key, double fallback)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : fallback;
}

/* ---- the page ---------------------------------------------------------------------------- */

static const char style[] =
    "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1f2328;"
    "background:#fff}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0}"
    "section.scenario{border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;"
    "margin:16px 0}section.scenario.fail{border-left:6px solid #cf222e}"
    "section.scenario.pass{border-left:6px solid #1a7f37}.meta{color:#59636e;font-size:12px;"
    "margin:2px 0 8px}.badge{display:inline-block;padding:1px 8px;border-radius:10px;"
    "font-size:12px;font-weight:600;color:#fff;vertical-align:middle;margin-left:6px}"
    ".badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}"
    "table.checks{border-collapse:collapse;width:100%;font-size:12px;margin-top:8px}"
    "table.checks td,table.checks th{border-bottom:1px solid #eaeef2;padding:3px 6px;"
    "text-align:left;vertical-align:top}tr.check.pass{background:#dafbe1}"
    "tr.check.fail{background:#ffebe9}td.result{font-weight:600}"
    "tr.check.pass td.result{color:#1a7f37}tr.check.fail td.result{color:#cf222e}"
    ".hint{color:#59636e;font-style:italic}svg.timeline{display:block;margin:6px 0}"
    "svg text{font:11px system-ui,sans-serif;fill:#1f2328}svg .lane{fill:#59636e}"
    "svg .axis line{stroke:#d0d7de}svg .axis text{fill:#59636e;font-size:10px}"
    ".request:hover,.attempt:hover{stroke:#0969da;stroke-width:2}"
    "#detail{position:fixed;right:16px;bottom:16px;max-width:520px;max-height:60vh;"
    "overflow:auto;background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;"
    "padding:8px;font:11px ui-monospace,monospace;white-space:pre-wrap;display:none}"
    "details pre{font:11px ui-monospace,monospace;white-space:pre-wrap;background:#f6f8fa;"
    "padding:6px;max-height:240px;overflow:auto}.legend span{display:inline-block;"
    "margin-right:10px;font-size:12px}.legend i{display:inline-block;width:12px;height:10px;"
    "margin-right:4px;vertical-align:middle}.summary{margin:4px 0 12px}";

/* What the server did, as a colour. */
static const char *fault_colour(const char *action, int status, const char *kind)
{
    if (strcmp(kind, "token") == 0)
        return status >= 400 || status == 0 ? "#9a6700" : "#54aeff";
    if (strcmp(action, "hang") == 0)
        return "#8250df";
    if (strcmp(action, "drop") == 0 || strcmp(action, "reset") == 0)
        return "#24292f";
    if (strcmp(action, "truncate") == 0 || strcmp(action, "malformed") == 0 ||
        strcmp(action, "empty") == 0)
        return "#953800";
    if (status == 429 || strcmp(action, "rate_limit") == 0)
        return "#fb8f44";
    if (status == 401 || strcmp(action, "auth") == 0)
        return "#bf3989";
    if (status >= 500)
        return "#cf222e";
    if (status >= 400)
        return "#e16f24";
    if (strcmp(action, "delay") == 0 || strcmp(action, "drip") == 0 ||
        strcmp(action, "slow_read") == 0)
        return "#d4a72c";
    return "#2da44e";
}

static void legend(FILE *out)
{
    static const struct {
        const char *colour, *what;
    } items[] = {
        {"#2da44e", "answered"},    {"#d4a72c", "delayed / dripped"},
        {"#cf222e", "5xx"},         {"#fb8f44", "429"},
        {"#bf3989", "401"},         {"#e16f24", "other 4xx"},
        {"#8250df", "hang"},        {"#24292f", "drop / reset"},
        {"#953800", "broken body"}, {"#54aeff", "token request"},
    };
    fputs("<p class=\"legend\">", out);
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
        fprintf(out, "<span><i style=\"background:%s\"></i>%s</span>", items[i].colour,
                items[i].what);
    fputs("<span><svg width=\"26\" height=\"8\"><line x1=\"0\" y1=\"4\" x2=\"26\" y2=\"4\" "
          "stroke=\"#59636e\" stroke-dasharray=\"3 2\"/></svg> wait between attempts</span></p>\n",
          out);
}

struct scale {
    double t0, t1;
    double width;
};

static double x_of(const struct scale *s, double t)
{
    double span = s->t1 - s->t0 > 1e-9 ? s->t1 - s->t0 : 1;
    return LEFT + (t - s->t0) / span * s->width;
}

/* Greedy rows for intervals in start order: the first row free at the start. */
static size_t pack(double *row_end, size_t *rows, double start, double end)
{
    for (size_t r = 0; r < *rows; r++) {
        if (row_end[r] <= start) {
            row_end[r] = end;
            return r;
        }
    }
    if (*rows < MAX_ROWS) {
        row_end[*rows] = end;
        return (*rows)++;
    }
    return *rows - 1; /* past the cap: drawn over the last row */
}

static void axis(FILE *out, const struct scale *s, double y, double height)
{
    double span = s->t1 - s->t0;
    double steps[] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600};
    double step = steps[sizeof(steps) / sizeof(steps[0]) - 1];
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if (span / steps[i] <= 12) {
            step = steps[i];
            break;
        }
    }
    fputs("<g class=\"axis\">", out);
    for (double t = ceil(s->t0 / step) * step; t <= s->t1 + 1e-9; t += step) {
        double x = x_of(s, t);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x, y, x,
                y + height);
        /* + 0.0: a tick at -0 reads 0. */
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g s</text>", x, y - 3,
                round(t * 1000) / 1000 + 0.0);
    }
    fputs("</g>\n", out);
}

/* The journal entry of a request, pretty enough to read in a tooltip. */
static void entry_text(FILE *out, const cJSON *request)
{
    const cJSON *entry = cJSON_GetObjectItemCaseSensitive(request, "journal");
    char *text = entry != NULL ? cJSON_Print(entry) : NULL;
    put(out, text != NULL ? text : "{}");
    free(text);
}

static void timeline(FILE *out, const cJSON *report, size_t *attempts_drawn)
{
    const cJSON *calls = cJSON_GetObjectItemCaseSensitive(report, "calls");
    const cJSON *requests = cJSON_GetObjectItemCaseSensitive(report, "requests");
    const cJSON *breaker = cJSON_GetObjectItemCaseSensitive(report, "breaker");
    struct scale s = {.t0 = 0, .t1 = 0, .width = WIDTH - LEFT - RIGHT};
    const cJSON *item;
    cJSON_ArrayForEach(item, calls)
    {
        s.t1 = fmax(s.t1, num(item, "end_s", num(item, "start_s", 0)));
        s.t0 = fmin(s.t0, num(item, "start_s", 0));
    }
    cJSON_ArrayForEach(item, requests)
    {
        s.t1 = fmax(s.t1, num(item, "end_s", 0));
        s.t0 = fmin(s.t0, num(item, "t_s", 0));
    }
    s.t1 = s.t1 + (s.t1 - s.t0) * 0.02 + 0.001;

    /* Rows: calls packed, then GraphQL requests packed, then token requests, then the breaker. */
    double call_end[MAX_ROWS], req_end[MAX_ROWS];
    size_t call_rows = 0, req_rows = 0;
    size_t n_calls = (size_t)cJSON_GetArraySize(calls);
    size_t n_req = (size_t)cJSON_GetArraySize(requests);
    size_t *call_row = calloc(n_calls + 1, sizeof(*call_row));
    size_t *req_row = calloc(n_req + 1, sizeof(*req_row));
    if (call_row == NULL || req_row == NULL) {
        free(call_row);
        free(req_row);
        return;
    }
    size_t i = 0;
    cJSON_ArrayForEach(item, calls)
    {
        double start = num(item, "start_s", 0);
        call_row[i++] = pack(call_end, &call_rows, start, num(item, "end_s", s.t1) + 1e-9);
    }
    i = 0;
    bool tokens = false;
    cJSON_ArrayForEach(item, requests)
    {
        if (strcmp(str(item, "kind"), "token") == 0)
            tokens = true;
        else
            req_row[i] = pack(req_end, &req_rows, num(item, "t_s", 0), num(item, "end_s", 0));
        i++;
    }
    call_rows = call_rows ? call_rows : 1;
    req_rows = req_rows ? req_rows : 1;
    double y_calls = 24, y_server = y_calls + (double)call_rows * ROW + 10;
    double y_tokens = y_server + (double)req_rows * ROW;
    double y_breaker = y_tokens + (tokens ? ROW : 0) + 10;
    double height = y_breaker + ROW + 6;

    fprintf(out,
            "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
            "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
            WIDTH, height, WIDTH, height);
    axis(out, &s, 18, height - 18);
    fprintf(out, "<text class=\"lane\" x=\"4\" y=\"%.1f\">client calls</text>", y_calls + 12);
    fprintf(out, "<text class=\"lane\" x=\"4\" y=\"%.1f\">server</text>", y_server + 12);
    if (tokens)
        fprintf(out, "<text class=\"lane\" x=\"4\" y=\"%.1f\">token endpoint</text>",
                y_tokens + 12);
    fprintf(out, "<text class=\"lane\" x=\"4\" y=\"%.1f\">breaker</text>\n", y_breaker + 12);

    /* The calls: a bar each, from asked to answered. */
    i = 0;
    cJSON_ArrayForEach(item, calls)
    {
        double start = num(item, "start_s", 0);
        bool answered = strcmp(str(item, "state"), "answered") == 0;
        double end = answered ? num(item, "end_s", start) : s.t1;
        double x = x_of(&s, start), w = fmax(x_of(&s, end) - x, 2);
        double y = y_calls + (double)call_row[i++] * ROW;
        const cJSON *ok = cJSON_GetObjectItemCaseSensitive(item, "ok");
        const char *fill = !answered ? "#eaeef2" : cJSON_IsTrue(ok) ? "#dafbe1" : "#ffebe9";
        const char *stroke = !answered ? "#59636e" : cJSON_IsTrue(ok) ? "#1a7f37" : "#cf222e";
        fprintf(out,
                "<g class=\"call\" data-call=\"%.0f\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                "height=\"%.1f\" rx=\"3\" fill=\"%s\" stroke=\"%s\"%s><title>",
                num(item, "index", 0), x, y + 1, w, ROW - 4, fill, stroke,
                answered ? "" : " stroke-dasharray=\"4 2\"");
        put(out, str(item, "label"));
        fputs(": ", out);
        put(out, answered ? str(item, "outcome") : str(item, "state"));
        if (str(item, "detail")[0] != '\0') {
            fputs(" (", out);
            put(out, str(item, "detail"));
            fputs(")", out);
        }
        fprintf(out, ", %.3f s to %s</title></rect>", start, answered ? "" : "(no answer)");
        if (w > 60) {
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", x + 3, y + ROW - 6);
            put(out, str(item, "label"));
            fputs("</text>", out);
        }
        fputs("</g>\n", out);
    }

    /* Requests: on the server lane what was done; on the call's row the attempt and the
     * wait before it. */
    i = 0;
    long *last_of_call = calloc(n_calls + 1, sizeof(*last_of_call));
    for (size_t k = 0; last_of_call != NULL && k < n_calls; k++)
        last_of_call[k] = -1;
    const cJSON **all = calloc(n_req + 1, sizeof(*all));
    size_t idx = 0;
    cJSON_ArrayForEach(item, requests)
    {
        if (all != NULL)
            all[idx] = item;
        idx++;
    }
    cJSON_ArrayForEach(item, requests)
    {
        const char *kind = str(item, "kind");
        bool token = strcmp(kind, "token") == 0;
        double t = num(item, "t_s", 0), end = num(item, "end_s", t);
        int status = (int)num(item, "status", 0);
        const char *action = str(item, "action");
        double y = token ? y_tokens : y_server + (double)req_row[i] * ROW;
        double x = x_of(&s, t), w = fmax(x_of(&s, end) - x, 3);
        fprintf(out,
                "<rect class=\"request %s\" data-seq=\"%.0f\" data-call=\"%.0f\" "
                "data-answer=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                "fill=\"%s\" data-entry=\"",
                kind, num(item, "seq", 0), num(item, "call", -1), str(item, "answer"), x, y + 2, w,
                ROW - 6, fault_colour(action, status, kind));
        entry_text(out, item);
        fputs("\"><title>", out);
        fprintf(out, "#%.0f %s", num(item, "seq", 0), action);
        if (status > 0)
            fprintf(out, " %d", status);
        if (num(item, "delay_ms", 0) > 0)
            fprintf(out, " after %.0f ms", num(item, "delay_ms", 0));
        fprintf(out, " (%s), %.3f s to %.3f s", str(item, "answer"), t, end);
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "libcurl_resend")))
            fputs(", sent again by libcurl itself", out);
        fputs("\n", out);
        entry_text(out, item);
        fputs("</title></rect>", out);
        if (w > 34) {
            char label[32];
            snprintf(label, sizeof(label), "%s", status > 0 ? "" : action);
            if (status > 0)
                snprintf(label, sizeof(label), "%d", status);
            fprintf(out,
                    "<text x=\"%.1f\" y=\"%.1f\" fill=\"#fff\" style=\"fill:#fff\" "
                    "pointer-events=\"none\">%s</text>",
                    x + 3, y + ROW - 7, label);
        }
        long call = (long)num(item, "call", -1);
        if (!token && strcmp(kind, "graphql") == 0 && call >= 0 && (size_t)call < n_calls) {
            double cy = y_calls + (double)call_row[call] * ROW;
            /* The wait since this call's previous attempt ended. */
            long prev = last_of_call != NULL ? last_of_call[call] : -1;
            if (prev >= 0 && all != NULL) {
                double prev_end = num(all[prev], "end_s", 0);
                double x0 = x_of(&s, prev_end);
                fprintf(out,
                        "<line class=\"wait\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        "stroke=\"#59636e\" stroke-dasharray=\"3 2\"><title>waited %.3f s</title>"
                        "</line>",
                        x0, cy + ROW / 2 - 1, x, cy + ROW / 2 - 1, t - prev_end);
            }
            if (last_of_call != NULL)
                last_of_call[call] = (long)i;
            fprintf(out,
                    "<rect class=\"attempt\" data-seq=\"%.0f\" x=\"%.1f\" y=\"%.1f\" width=\"4\" "
                    "height=\"%.1f\" fill=\"%s\" data-entry=\"",
                    num(item, "seq", 0), x - 2, cy + 2, ROW - 8,
                    fault_colour(action, status, kind));
            entry_text(out, item);
            fprintf(out, "\"><title>attempt %.0f: %s", num(item, "attempt", 0),
                    str(item, "answer"));
            fputs("</title></rect>", out);
            (*attempts_drawn)++;
        }
        fputs("\n", out);
        i++;
    }
    free(all);
    free(last_of_call);

    /* The breaker: libesologs says; an adapter's is known only from the wire verdicts. */
    if (cJSON_IsArray(breaker)) {
        double from = s.t0;
        const char *state = "closed";
        const cJSON *move;
        size_t moves = (size_t)cJSON_GetArraySize(breaker);
        for (size_t m = 0; m <= moves; m++) {
            move = m < moves ? cJSON_GetArrayItem(breaker, (int)m) : NULL;
            double to = move != NULL ? num(move, "t_s", s.t1) : s.t1;
            const char *colour = strcmp(state, "open") == 0        ? "#cf222e"
                                 : strcmp(state, "half_open") == 0 ? "#d4a72c"
                                                                   : "#2da44e";
            double x0 = x_of(&s, from), x1 = x_of(&s, to);
            fprintf(out,
                    "<rect class=\"breaker %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                    "height=\"%.1f\" fill=\"%s\" opacity=\"0.6\"><title>breaker %s from %.3f s"
                    "</title></rect>",
                    state, x0, y_breaker + 2, fmax(x1 - x0, 0.5), ROW - 6, colour, state, from);
            if (move != NULL) {
                from = to;
                state = str(move, "to");
            }
        }
        fputs("\n", out);
    } else {
        fprintf(out,
                "<rect class=\"breaker unknown\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                "height=\"%.1f\" fill=\"#eaeef2\"><title>the client's breaker is not known: see "
                "the wire verdicts</title></rect><text x=\"%.1f\" y=\"%.1f\" class=\"lane\">not "
                "known from outside (see the wire verdicts)</text>\n",
                LEFT, y_breaker + 2, s.width, ROW - 6, LEFT + 4, y_breaker + ROW - 7);
    }
    fputs("</svg>\n", out);
    free(call_row);
    free(req_row);
}

static void check_rows(FILE *out, const cJSON *checks, bool passing)
{
    fputs("<table class=\"checks\"><tr><th>result</th><th>call</th><th>check</th>"
          "<th>expected</th><th>observed</th></tr>\n",
          out);
    const cJSON *c;
    cJSON_ArrayForEach(c, checks)
    {
        bool passed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "passed"));
        if (passed != passing)
            continue;
        const char *r = passed ? "pass" : "fail";
        fprintf(out, "<tr class=\"check %s\" data-passed=\"%s\"><td class=\"result\">%s</td><td>",
                r, passed ? "true" : "false", passed ? "PASS" : "FAIL");
        put(out, str(c, "call"));
        fputs("</td><td>", out);
        if (str(c, "behaviour")[0] != '\0') {
            put(out, str(c, "behaviour"));
            fputs("<br>", out);
        }
        put(out, str(c, "what"));
        fputs("</td><td>", out);
        put(out, str(c, "expected"));
        fputs("</td><td>", out);
        put(out, str(c, "got"));
        if (!passed && str(c, "hint")[0] != '\0') {
            fputs("<div class=\"hint\">hint: ", out);
            put(out, str(c, "hint"));
            fputs("</div>", out);
        }
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

/* The failed checks in view, the passed ones a click away when there are many. */
static void checks_table(FILE *out, const cJSON *report)
{
    const cJSON *checks = cJSON_GetObjectItemCaseSensitive(report, "checks");
    size_t passed = 0, failed = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, checks)
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "passed")))
            passed++;
        else
            failed++;
    }
    if (failed > 0)
        check_rows(out, checks, false);
    if (passed == 0)
        return;
    if (passed <= 8) {
        check_rows(out, checks, true);
        return;
    }
    fprintf(out, "<details><summary>%zu checks passed</summary>\n", passed);
    check_rows(out, checks, true);
    fputs("</details>\n", out);
}

static void scenario(FILE *out, const cJSON *report)
{
    bool passed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(report, "passed"));
    const char *r = passed ? "pass" : "fail";
    const cJSON *requests = cJSON_GetObjectItemCaseSensitive(report, "requests");
    const cJSON *calls = cJSON_GetObjectItemCaseSensitive(report, "calls");
    fputs("<section class=\"scenario ", out);
    fputs(r, out);
    fputs("\" data-scenario=\"", out);
    put(out, str(report, "scenario"));
    fprintf(out, "\" data-passed=\"%s\" data-requests=\"%d\" data-calls=\"%d\" id=\"s-",
            passed ? "true" : "false", cJSON_GetArraySize(requests), cJSON_GetArraySize(calls));
    put(out, str(report, "scenario"));
    fputs("\">\n<h2>", out);
    put(out, str(report, "scenario"));
    fprintf(out, " <span class=\"badge verdict %s\">%s</span></h2>\n<p>", r,
            passed ? "PASS" : "FAIL");
    put(out, str(report, "description"));
    fputs("</p>\n<p class=\"meta\">", out);
    put(out, str(report, "file"));
    fprintf(out, " &middot; client: ");
    put(out, str(report, "client"));
    fprintf(out,
            " &middot; time scale %g (times in scenario seconds) &middot; %.2f s of real time"
            "</p>\n",
            num(report, "time_scale", 1), num(report, "wall_ms", 0) / 1000.0);
    if (str(report, "error")[0] != '\0') {
        fputs("<pre class=\"error\">", out);
        put(out, str(report, "error"));
        fputs("</pre>\n", out);
    } else {
        size_t attempts = 0;
        timeline(out, report, &attempts);
    }
    checks_table(out, report);
    const cJSON *adapter = cJSON_GetObjectItemCaseSensitive(report, "adapter");
    if (adapter != NULL) {
        fputs("<details><summary>client process: ", out);
        put(out, str(adapter, "status"));
        fputs("</summary><pre>", out);
        put(out,
            str(adapter, "stderr")[0] != '\0' ? str(adapter, "stderr") : "(nothing on stderr)");
        fputs("</pre></details>\n", out);
    }
    fputs("</section>\n", out);
}

static const char script[] =
    "(function(){var d=document.getElementById('detail');"
    "document.querySelectorAll('[data-entry]').forEach(function(e){"
    "e.addEventListener('mouseenter',function(){d.textContent=e.getAttribute('data-entry');"
    "d.style.display='block';});"
    "e.addEventListener('mouseleave',function(){d.style.display='none';});});"
    "document.querySelectorAll('tr.check,.badge.verdict').forEach(function(e){"
    "e.setAttribute('data-computed-color',getComputedStyle(e).backgroundColor);"
    "var r=e.querySelector('td.result');if(r){e.setAttribute('data-result-color',"
    "getComputedStyle(r).color);}});"
    "document.body.setAttribute('data-rendered','yes');})();";

int esoh__html_write(FILE *out, const char *title, const cJSON *reports)
{
    size_t total = 0, failed = 0;
    const cJSON *report;
    cJSON_ArrayForEach(report, reports)
    {
        total++;
        failed += !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(report, "passed"));
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width\">\n<title>",
          out);
    put(out, title);
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body data-scenarios=\"%zu\">\n<h1>", style,
            total);
    put(out, title);
    fprintf(out,
            "</h1>\n<p class=\"summary\"><b>%zu</b> scenario%s: <b>%zu passed</b>, <b>%zu "
            "failed</b>. Hover a request to see its journal entry.</p>\n",
            total, total == 1 ? "" : "s", total - failed, failed);
    legend(out);
    fputs("<nav><p>", out);
    cJSON_ArrayForEach(report, reports)
    {
        bool passed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(report, "passed"));
        fputs("<a href=\"#s-", out);
        put(out, str(report, "scenario"));
        fprintf(out, "\" style=\"color:%s\">", passed ? "#1a7f37" : "#cf222e");
        put(out, str(report, "scenario"));
        fputs("</a> ", out);
    }
    fputs("</p></nav>\n", out);
    cJSON_ArrayForEach(report, reports) scenario(out, report);
    fprintf(out, "<div id=\"detail\"></div>\n<script>%s</script>\n</body></html>\n", script);
    return ferror(out) ? -1 : 0;
}
