/* graphql-js's suggestionList (Damerau-Levenshtein with a threshold) and didYouMean. */
#include <stdlib.h>
#include <string.h>

#include "print_private.h"
#include "suggest_private.h"
#include "utf8_private.h"

#define MAX_SUGGESTIONS 5
/* Longest input or option measured (longer ones are never suggested). */
#define MAX_MEASURE 256

/* Lower-case code points of s into out[MAX_MEASURE]; returns the count, or -1 when too long. */
static int to_points(const char *s, uint32_t *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s);
    size_t i = 0;
    int n = 0;

    while (i < len) {
        uint32_t cp;
        int valid;

        if (n >= MAX_MEASURE)
            return -1;
        i += gql_utf8_decode(u + i, len - i, &cp, &valid);
        if (cp >= 'A' && cp <= 'Z')
            cp += 'a' - 'A';
        out[n++] = cp;
    }
    return n;
}

/* LexicalDistance.measure: the distance, or -1 ("undefined") past the threshold. */
static int measure(const char *input, const uint32_t *in_pts, int in_n, const char *option,
                   int threshold)
{
    uint32_t opt_pts[MAX_MEASURE];
    int opt_n;
    const uint32_t *a;
    const uint32_t *b;
    int a_len;
    int b_len;
    int rows[3][MAX_MEASURE + 1];
    int i;
    int j;
    int d;

    if (strcmp(input, option) == 0)
        return 0;
    opt_n = to_points(option, opt_pts);
    if (opt_n < 0 || in_n < 0)
        return -1;
    if (opt_n == in_n && memcmp(opt_pts, in_pts, (size_t)in_n * sizeof(uint32_t)) == 0)
        return 1;
    a = opt_pts;
    a_len = opt_n;
    b = in_pts;
    b_len = in_n;
    if (a_len < b_len) {
        a = in_pts;
        a_len = in_n;
        b = opt_pts;
        b_len = opt_n;
    }
    if (a_len - b_len > threshold)
        return -1;
    for (j = 0; j <= b_len; j++)
        rows[0][j] = j;
    for (i = 1; i <= a_len; i++) {
        int *up = rows[(i - 1) % 3];
        int *cur = rows[i % 3];
        int smallest = cur[0] = i;

        for (j = 1; j <= b_len; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int cell = up[j] + 1;

            if (cur[j - 1] + 1 < cell)
                cell = cur[j - 1] + 1;
            if (up[j - 1] + cost < cell)
                cell = up[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                int dd = rows[(i - 2) % 3][j - 2];

                if (dd + 1 < cell)
                    cell = dd + 1;
            }
            if (cell < smallest)
                smallest = cell;
            cur[j] = cell;
        }
        if (smallest > threshold)
            return -1;
    }
    d = rows[a_len % 3][b_len];
    return d <= threshold ? d : -1;
}

struct scored {
    const char *name;
    int distance;
};

static int scored_cmp(const void *x, const void *y)
{
    const struct scored *a = x;
    const struct scored *b = y;

    if (a->distance != b->distance)
        return a->distance - b->distance;
    return gql_natural_compare(a->name, b->name);
}

size_t gql_suggestion_list(const char *input, const char *const *options, size_t noptions,
                           const char **out, size_t max)
{
    uint32_t in_pts[MAX_MEASURE];
    int in_n = to_points(input, in_pts);
    int threshold = (int)(strlen(input) * 4 / 10) + 1;
    struct scored *hits;
    size_t nhits = 0;
    size_t i;
    size_t j;

    if (noptions == 0 || max == 0)
        return 0;
    /* JavaScript's length counts UTF-16 units; names are ASCII, where it is the byte count. */
    threshold = (int)((double)in_n * 0.4) + 1;
    if (in_n < 0)
        threshold = (int)(strlen(input) * 4 / 10) + 1;
    hits = malloc(noptions * sizeof(*hits));
    if (hits == NULL)
        return 0;
    for (i = 0; i < noptions; i++) {
        int d;
        bool dup = false;

        for (j = 0; j < nhits && !dup; j++)
            dup = strcmp(hits[j].name, options[i]) == 0;
        if (dup)
            continue;
        d = measure(input, in_pts, in_n, options[i], threshold);
        if (d >= 0) {
            hits[nhits].name = options[i];
            hits[nhits].distance = d;
            nhits++;
        }
    }
    qsort(hits, nhits, sizeof(*hits), scored_cmp);
    for (i = 0; i < nhits && i < max; i++)
        out[i] = hits[i].name;
    free(hits);
    return i;
}

void gql_did_you_mean(struct gql_buf *buf, const char *sub, const char *const *s, size_t n)
{
    size_t i;

    if (n == 0)
        return;
    gql_buf_puts(buf, " Did you mean ");
    if (sub != NULL) {
        gql_buf_puts(buf, sub);
        gql_buf_puts(buf, " ");
    }
    if (n > MAX_SUGGESTIONS)
        n = MAX_SUGGESTIONS;
    for (i = 0; i < n; i++) {
        if (i > 0)
            gql_buf_puts(buf, n == 2 ? " or " : (i == n - 1 ? ", or " : ", "));
        gql_buf_puts(buf, "\"");
        gql_buf_puts(buf, s[i]);
        gql_buf_puts(buf, "\"");
    }
    gql_buf_puts(buf, "?");
}
