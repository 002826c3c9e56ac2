/*
 * Scenario files: loading and validation. One pass over the cJSON tree fills the
 * scenario and collects every problem with its JSON path, so a user fixes a file
 * in one edit instead of one error per run. Nothing here trusts the input: every
 * number is range-checked before it is converted, every count is checked before
 * anything is allocated for it, and every string that reaches a message is cut
 * and escaped. This file reads the text and checks it is JSON; the document's
 * parts are scenario_parse.c's and scenario_step.c's, on the kit of vet.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures_private.h"
#include "scenario_parse_private.h"
#include "scenario_load_private.h"
#include "scenario_private.h"
#include "utf8_private.h"
#include "vet_private.h"

/* Report invalid JSON at @p at, with a glimpse of what is there when @p glimpse_it. */
static void json_error(struct esomock_vet *v, const char *text, size_t len, const char *at,
                       const char *why, bool glimpse_it)
{
    char where[64], near[ESOMOCK_VET_QUOTE_SIZE];
    char glimpse[17];
    size_t n = 0;
    esomock__text_position(text, at, where, sizeof(where));
    for (const char *c = at; glimpse_it && c < text + len && n < sizeof(glimpse) - 1 && *c != '\n';
         c++)
        glimpse[n++] = *c;
    /* The glimpse may end inside a UTF-8 sequence; drop the partial character. */
    if (n == sizeof(glimpse) - 1) {
        while (n > 0 && ((unsigned char)glimpse[n - 1] & 0xc0) == 0x80)
            n--;
        if (n > 0 && ((unsigned char)glimpse[n - 1] & 0xc0) == 0xc0)
            n--;
    }
    glimpse[n] = '\0';
    if (n > 0) {
        esomock__vet_quote(glimpse, near, sizeof(near));
        esomock__vet_error(v, "", "invalid JSON at %s: %s near %s", where, why, near);
    } else {
        esomock__vet_error(v, "", "invalid JSON at %s: %s", where, why);
    }
}

static bool only_whitespace(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
            return false;
    }
    return true;
}

/* Parse @p text for the file @p v reads (begun); see esomock__scenario_parse(). */
static enum esomock_status parse(struct esomock_vet *v, const char *text, size_t len,
                                 const char *source, const struct esomock_load *how,
                                 struct esomock_scenario **out)
{
    enum esomock_status rc = ESOMOCK_OUT_OF_MEMORY;
    struct esomock_scenario *sc = NULL;
    cJSON *root = NULL;

    if (len > ESOMOCK_SCENARIO_MAX_BYTES) {
        esomock__vet_error(v, "", "the scenario is %zu bytes, over the limit of %u", len,
                           ESOMOCK_SCENARIO_MAX_BYTES);
        return ESOMOCK_SCENARIO_INVALID;
    }
    sc = calloc(1, sizeof(*sc));
    if (sc == NULL)
        goto out;
    sc->source = strdup(source != NULL ? source : "<scenario>");
    /* A private, NUL-terminated copy: the caller's buffer need not outlive the call. */
    sc->text = malloc(len + 1);
    if (sc->source == NULL || sc->text == NULL)
        goto out;
    memcpy(sc->text, text, len);
    sc->text[len] = '\0';

    rc = ESOMOCK_SCENARIO_INVALID;
    const char *nul = memchr(sc->text, '\0', len);
    const char *bad = nul == NULL ? esomock__utf8_invalid(sc->text, len) : NULL;
    if (nul != NULL) {
        json_error(v, sc->text, len, nul, "a NUL byte", false);
        goto out;
    }
    if (bad != NULL) {
        char why[48];
        snprintf(why, sizeof(why), "invalid UTF-8 (byte 0x%02x)", (unsigned)(unsigned char)*bad);
        json_error(v, sc->text, len, bad, why, false);
        goto out;
    }
    if (only_whitespace(sc->text, len)) {
        esomock__vet_error(v, "", "invalid JSON: the text is empty");
        goto out;
    }
    const char *end = NULL;
    root = cJSON_ParseWithLengthOpts(sc->text, len + 1, &end, 1);
    /* cJSON does not tell a syntax error from a failed allocation; both land here. */
    if (root == NULL) {
        json_error(v, sc->text, len, end != NULL ? end : sc->text,
                   "syntax error (or nesting deeper than 1000)", true);
        goto out;
    }
    esomock__parse_root(v, root, how != NULL ? how->sections : NULL,
                        how != NULL ? how->section_count : 0, sc);
    if (v->oom) {
        rc = ESOMOCK_OUT_OF_MEMORY;
        goto out;
    }
    /* On what parsed, even when other parts did not: every problem is reported at once. */
    if (how != NULL && how->fixtures != NULL)
        esomock__scenario_check_fixtures(sc, how->fixtures, v->problems);
    if (esomock__problems_errors(v->problems) > 0)
        goto out;
    *out = sc;
    sc = NULL;
    rc = ESOMOCK_OK;
out:
    if (rc == ESOMOCK_OUT_OF_MEMORY)
        esomock__vet_error(v, "", "out of memory");
    cJSON_Delete(root);
    esomock__scenario_free(sc);
    return rc;
}

enum esomock_status esomock__scenario_parse(const char *text, size_t len, const char *source,
                                            const struct esomock_load *how,
                                            struct esomock_scenario **out,
                                            struct esomock_problems *problems)
{
    struct esomock_problems counting = ESOMOCK__PROBLEMS_COUNTING;
    struct esomock_vet vet = {.problems = problems != NULL ? problems : &counting};
    enum esomock_status rc = ESOMOCK_BAD_ARGUMENT;
    esomock__problems_begin(vet.problems, source);
    if (text == NULL || out == NULL)
        esomock__vet_error(&vet, "", "no scenario text given");
    else
        rc = parse(&vet, text, len, source, how, out);
    esomock__problems_end(vet.problems);
    esomock__problems_finish(&counting);
    return rc;
}

enum esomock_status esomock__scenario_load_file(const char *path, const struct esomock_load *how,
                                                struct esomock_scenario **out,
                                                struct esomock_problems *problems)
{
    struct esomock_problems counting = ESOMOCK__PROBLEMS_COUNTING;
    struct esomock_vet vet = {.problems = problems != NULL ? problems : &counting};
    char err[ESOMOCK_ERROR_SIZE] = "";
    char *text = NULL;
    size_t len = 0;
    enum esomock_status rc = ESOMOCK_BAD_ARGUMENT;

    esomock__problems_begin(vet.problems, path);
    if (path == NULL || out == NULL) {
        esomock__vet_error(&vet, "", "no scenario file given");
        goto out;
    }
    rc = esomock__read_file(path, ESOMOCK_SCENARIO_MAX_BYTES, &text, &len, err);
    if (rc != ESOMOCK_OK) {
        /* The message starts with the file name, which the problem's source repeats. */
        size_t plen = strlen(path);
        const char *msg = err;
        if (strncmp(err, path, plen) == 0 && err[plen] == ':' && err[plen + 1] == ' ')
            msg = err + plen + 2;
        esomock__vet_error(&vet, "", "%s", msg);
        goto out;
    }
    rc = parse(&vet, text, len, path, how, out);
    free(text);
out:
    esomock__problems_end(vet.problems);
    esomock__problems_finish(&counting);
    return rc;
}

enum esomock_status esomock__scenario_check_fixtures(const struct esomock_scenario *scenario,
                                                     const struct esomock_fixture_set *fixtures,
                                                     struct esomock_problems *problems)
{
    if (scenario == NULL || fixtures == NULL || problems == NULL)
        return ESOMOCK_BAD_ARGUMENT;
    struct esomock_vet vet = {.problems = problems};
    struct esomock_vet *v = &vet;
    size_t before = esomock__problems_errors(problems);
    for (size_t i = 0; i < scenario->rule_count; i++) {
        const struct esomock_rule *rule = &scenario->rules[i];
        for (size_t j = 0; j < rule->step_count; j++) {
            const char *name = rule->steps[j].fixture;
            if (name == NULL || esomock__fixtures_by_name(fixtures, name) != NULL)
                continue;
            char path[ESOMOCK_VET_PATH_SIZE], quoted[ESOMOCK_VET_QUOTE_SIZE];
            snprintf(path, sizeof(path), "rules[%zu].script[%zu].fixture", i, j);
            esomock__vet_quote(name, quoted, sizeof(quoted));
            /* A near miss is most likely a typo; name it. */
            const char *guess = NULL;
            size_t best = SIZE_MAX;
            for (size_t k = 0; k < fixtures->count; k++) {
                size_t d = esomock__vet_edit_distance(name, fixtures->items[k].name);
                if (d <= 2 && d < best) {
                    best = d;
                    guess = fixtures->items[k].name;
                }
            }
            if (guess != NULL)
                esomock__vet_error(
                    v, path, "no fixture named %s in %s; did you mean \"%s\"?", quoted,
                    fixtures->dir != NULL ? fixtures->dir : "the fixture set", guess);
            else
                esomock__vet_error(v, path, "no fixture named %s in %s", quoted,
                                   fixtures->dir != NULL ? fixtures->dir : "the fixture set");
        }
    }
    return esomock__problems_errors(problems) > before ? ESOMOCK_SCENARIO_INVALID : ESOMOCK_OK;
}
