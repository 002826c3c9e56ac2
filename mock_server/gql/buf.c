/* The bounded output buffer and JSON.stringify-compatible strings and numbers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gql.h"
#include "number_private.h"
#include "utf8_private.h"

void gql_buf_init(struct gql_buf *buf, size_t max)
{
    memset(buf, 0, sizeof(*buf));
    buf->max = max;
}

void gql_buf_finish(struct gql_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->failed = false;
}

static bool reserve(struct gql_buf *buf, size_t extra)
{
    size_t max = buf->max != 0 ? buf->max : GQL_MAX_ANSWER;
    size_t need;
    size_t ncap;
    char *p;

    if (buf->failed)
        return false;
    need = buf->len + extra + 1;
    if (need < buf->len || need - 1 > max) {
        buf->failed = true;
        return false;
    }
    if (need <= buf->cap)
        return true;
    ncap = buf->cap != 0 ? buf->cap : 256;
    while (ncap < need)
        ncap *= 2;
    if (ncap > max + 1)
        ncap = max + 1;
    p = realloc(buf->data, ncap);
    if (p == NULL) {
        buf->failed = true;
        return false;
    }
    buf->data = p;
    buf->cap = ncap;
    return true;
}

bool gql_buf_append(struct gql_buf *buf, const void *data, size_t len)
{
    /* The common case (room left, under the max) without reserve's checks. */
    if (!buf->failed && buf->len + len < buf->cap &&
        buf->len + len <= (buf->max != 0 ? buf->max : GQL_MAX_ANSWER)) {
        memcpy(buf->data + buf->len, data, len);
        buf->len += len;
        buf->data[buf->len] = '\0';
        return true;
    }
    if (!reserve(buf, len))
        return false;
    if (len > 0)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return true;
}

bool gql_buf_puts(struct gql_buf *buf, const char *s)
{
    return gql_buf_append(buf, s, strlen(s));
}

bool gql_buf_json_string(struct gql_buf *buf, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    size_t start = 0;

    if (!reserve(buf, len + 2))
        return false;
    gql_buf_append(buf, "\"", 1);
    while (i < len) {
        unsigned char c = u[i];
        const char *esc;
        size_t skip = 1;
        char tmp[8];

        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            uint32_t cp;
            int valid;
            size_t n = gql_utf8_decode(u + i, len - i, &cp, &valid);

            if (valid) {
                i += n;
                continue;
            }
            esc = "\xEF\xBF\xBD"; /* U+FFFD for a byte that is not UTF-8 */
        } else if (c == '"') {
            esc = "\\\"";
        } else if (c == '\\') {
            esc = "\\\\";
        } else if (c == '\b') {
            esc = "\\b";
        } else if (c == '\f') {
            esc = "\\f";
        } else if (c == '\n') {
            esc = "\\n";
        } else if (c == '\r') {
            esc = "\\r";
        } else if (c == '\t') {
            esc = "\\t";
        } else {
            snprintf(tmp, sizeof(tmp), "\\u%04x", c);
            esc = tmp;
        }
        gql_buf_append(buf, s + start, i - start);
        gql_buf_puts(buf, esc);
        i += skip;
        start = i;
    }
    gql_buf_append(buf, s + start, len - start);
    return gql_buf_append(buf, "\"", 1);
}

bool gql_buf_json_number(struct gql_buf *buf, double value)
{
    char tmp[40];

    if (!isfinite(value))
        return gql_buf_puts(buf, "null");
    gql_js_number(value, tmp, sizeof(tmp));
    return gql_buf_puts(buf, tmp);
}
