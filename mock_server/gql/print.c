/* graphql-js's printer and inspect(), for byte-identical messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number_private.h"
#include "print_private.h"
#include "utf8_private.h"

void gql_print_string(struct gql_buf *buf, const char *s, size_t len)
{
    static const char *const short_esc[] = {
        ['\b'] = "\\b", ['\t'] = "\\t", ['\n'] = "\\n", ['\f'] = "\\f", ['\r'] = "\\r",
    };
    const unsigned char *u = (const unsigned char *)s;
    size_t start = 0;
    size_t i = 0;

    gql_buf_append(buf, "\"", 1);
    while (i < len) {
        uint32_t cp;
        int valid;
        size_t n = gql_utf8_decode(u + i, len - i, &cp, &valid);
        char esc[8];

        if (cp >= 0x20 && cp != '"' && cp != '\\' && !(cp >= 0x7F && cp <= 0x9F) && valid) {
            i += n;
            continue;
        }
        gql_buf_append(buf, s + start, i - start);
        if (!valid) {
            gql_buf_puts(buf, "\xEF\xBF\xBD");
        } else if (cp == '"') {
            gql_buf_puts(buf, "\\\"");
        } else if (cp == '\\') {
            gql_buf_puts(buf, "\\\\");
        } else if (cp < sizeof(short_esc) / sizeof(short_esc[0]) && short_esc[cp] != NULL) {
            gql_buf_puts(buf, short_esc[cp]);
        } else {
            snprintf(esc, sizeof(esc), "\\u%04X", (unsigned)cp);
            gql_buf_puts(buf, esc);
        }
        i += n;
        start = i;
    }
    gql_buf_append(buf, s + start, len - start);
    gql_buf_append(buf, "\"", 1);
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t';
}

void gql_print_block_string(struct gql_buf *buf, const char *s, size_t len)
{
    struct gql_buf esc;
    size_t i;
    bool single_line = true;
    bool force_leading = false;
    bool has_trailing_triple;
    bool force_trailing;
    bool multiple;
    bool skip_leading;
    size_t line_start;
    bool all_ws_start = true;
    bool more_lines = false;

    gql_buf_init(&esc, 0);
    for (i = 0; i < len; i++) {
        if (i + 2 < len && s[i] == '"' && s[i + 1] == '"' && s[i + 2] == '"') {
            gql_buf_puts(&esc, "\\\"\"\"");
            i += 2;
        } else {
            gql_buf_append(&esc, s + i, 1);
        }
    }
    /* Lines after the first: all empty or starting with white space? */
    line_start = 0;
    for (i = 0; i <= esc.len; i++) {
        char c = i < esc.len ? esc.data[i] : '\n';

        if (i < esc.len && c != '\n' && c != '\r')
            continue;
        if (line_start != 0) {
            more_lines = true;
            if (i > line_start && !is_ws(esc.data[line_start]))
                all_ws_start = false;
        }
        if (i < esc.len) {
            single_line = false;
            if (c == '\r' && i + 1 < esc.len && esc.data[i + 1] == '\n')
                i++;
        }
        line_start = i + 1;
    }
    force_leading = more_lines && all_ws_start;
    has_trailing_triple = esc.len >= 4 && memcmp(esc.data + esc.len - 4, "\\\"\"\"", 4) == 0;
    force_trailing =
        (len > 0 && s[len - 1] == '"' && !has_trailing_triple) || (len > 0 && s[len - 1] == '\\');
    multiple = !single_line || len > 70 || force_trailing || force_leading || has_trailing_triple;
    skip_leading = single_line && len > 0 && is_ws(s[0]);
    gql_buf_puts(buf, "\"\"\"");
    if ((multiple && !skip_leading) || force_leading)
        gql_buf_puts(buf, "\n");
    gql_buf_append(buf, esc.data != NULL ? esc.data : "", esc.len);
    if (multiple || force_trailing)
        gql_buf_puts(buf, "\n");
    gql_buf_puts(buf, "\"\"\"");
    gql_buf_finish(&esc);
}

void gql_concat(char *out, size_t size, const char *a, const char *b, const char *c)
{
    const char *parts[3] = {a, b, c};
    size_t len = 0;
    size_t i;

    if (size == 0)
        return;
    for (i = 0; i < 3; i++) {
        size_t n = parts[i] != NULL ? strlen(parts[i]) : 0;

        if (n > size - 1 - len)
            n = size - 1 - len;
        if (n > 0)
            memcpy(out + len, parts[i], n);
        len += n;
    }
    out[len] = '\0';
}

int gql_natural_compare(const char *a, const char *b)
{
    size_t ai = 0;
    size_t bi = 0;
    size_t al = strlen(a);
    size_t bl = strlen(b);

    while (ai < al && bi < bl) {
        int ac = (unsigned char)a[ai];
        int bc = (unsigned char)b[bi];

        if (ac >= '0' && ac <= '9' && bc >= '0' && bc <= '9') {
            double an = 0;
            double bn = 0;

            do {
                ++ai;
                an = an * 10 + (ac - '0');
                ac = ai < al ? (unsigned char)a[ai] : -1;
            } while (ac >= '0' && ac <= '9' && an > 0);
            do {
                ++bi;
                bn = bn * 10 + (bc - '0');
                bc = bi < bl ? (unsigned char)b[bi] : -1;
            } while (bc >= '0' && bc <= '9' && bn > 0);
            if (an < bn)
                return -1;
            if (an > bn)
                return 1;
        } else {
            if (ac < bc)
                return -1;
            if (ac > bc)
                return 1;
            ++ai;
            ++bi;
        }
    }
    return al < bl ? -1 : (al > bl ? 1 : 0);
}

static int field_cmp(const void *a, const void *b)
{
    const struct gql_ast_object_field *fa = *(const struct gql_ast_object_field *const *)a;
    const struct gql_ast_object_field *fb = *(const struct gql_ast_object_field *const *)b;
    int c = gql_natural_compare(fa->name.value, fb->name.value);

    /* qsort is not stable: equal names keep their source order. */
    if (c == 0)
        c = fa->off < fb->off ? -1 : (fa->off > fb->off ? 1 : 0);
    return c;
}

void gql_print_value(struct gql_buf *buf, const struct gql_ast_value *v, bool sorted)
{
    switch (v->kind) {
    case GQL_AV_VARIABLE:
        gql_buf_puts(buf, "$");
        gql_buf_append(buf, v->str, v->len);
        return;
    case GQL_AV_INT:
    case GQL_AV_FLOAT:
    case GQL_AV_ENUM:
        gql_buf_append(buf, v->str, v->len);
        return;
    case GQL_AV_STRING:
        if (v->block)
            gql_print_block_string(buf, v->str, v->len);
        else
            gql_print_string(buf, v->str, v->len);
        return;
    case GQL_AV_BOOLEAN:
        gql_buf_puts(buf, v->boolean ? "true" : "false");
        return;
    case GQL_AV_NULL:
        gql_buf_puts(buf, "null");
        return;
    case GQL_AV_LIST: {
        const struct gql_ast_value *item;

        gql_buf_puts(buf, "[");
        for (item = v->items; item != NULL; item = item->next) {
            if (item != v->items)
                gql_buf_puts(buf, ", ");
            gql_print_value(buf, item, sorted);
        }
        gql_buf_puts(buf, "]");
        return;
    }
    case GQL_AV_OBJECT: {
        const struct gql_ast_object_field *f;
        const struct gql_ast_object_field **order = NULL;
        size_t n = 0;
        size_t i;

        for (f = v->fields; f != NULL; f = f->next)
            n++;
        if (sorted && n > 1) {
            order = malloc(n * sizeof(*order));
            if (order != NULL) {
                i = 0;
                for (f = v->fields; f != NULL; f = f->next)
                    order[i++] = f;
                qsort(order, n, sizeof(*order), field_cmp);
            }
        }
        gql_buf_puts(buf, "{");
        f = v->fields;
        for (i = 0; i < n; i++) {
            const struct gql_ast_object_field *cur = order != NULL ? order[i] : f;

            if (i > 0)
                gql_buf_puts(buf, ", ");
            gql_buf_puts(buf, cur->name.value);
            gql_buf_puts(buf, ": ");
            gql_print_value(buf, cur->value, sorted);
            if (f != NULL)
                f = f->next;
        }
        gql_buf_puts(buf, "}");
        free(order);
        return;
    }
    }
}

void gql_print_ast_type(struct gql_buf *buf, const struct gql_ast_type *t)
{
    switch (t->kind) {
    case GQL_AT_NAMED:
        gql_buf_puts(buf, t->name.value);
        return;
    case GQL_AT_LIST:
        gql_buf_puts(buf, "[");
        gql_print_ast_type(buf, t->of);
        gql_buf_puts(buf, "]");
        return;
    case GQL_AT_NON_NULL:
        gql_print_ast_type(buf, t->of);
        gql_buf_puts(buf, "!");
        return;
    }
}

static void inspect(struct gql_buf *buf, const cJSON *v, int depth)
{
    char num[40];

    if (v == NULL || cJSON_IsNull(v)) {
        gql_buf_puts(buf, "null");
    } else if (cJSON_IsBool(v)) {
        gql_buf_puts(buf, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNumber(v)) {
        gql_js_number(v->valuedouble, num, sizeof(num));
        gql_buf_puts(buf, num);
    } else if (cJSON_IsString(v)) {
        /* JSON.stringify */
        gql_buf_json_string(buf, v->valuestring, strlen(v->valuestring));
    } else if (cJSON_IsArray(v)) {
        int n = cJSON_GetArraySize(v);
        const cJSON *item;
        int i = 0;

        if (n == 0) {
            gql_buf_puts(buf, "[]");
            return;
        }
        if (depth > 2) {
            gql_buf_puts(buf, "[Array]");
            return;
        }
        gql_buf_puts(buf, "[");
        for (item = v->child; item != NULL && i < 10; item = item->next, i++) {
            if (i > 0)
                gql_buf_puts(buf, ", ");
            inspect(buf, item, depth + 1);
        }
        if (n - 10 == 1) {
            gql_buf_puts(buf, ", ... 1 more item");
        } else if (n > 11) {
            snprintf(num, sizeof(num), ", ... %d more items", n - 10);
            gql_buf_puts(buf, num);
        }
        gql_buf_puts(buf, "]");
    } else if (cJSON_IsObject(v)) {
        const cJSON *item;

        if (v->child == NULL) {
            gql_buf_puts(buf, "{}");
            return;
        }
        if (depth > 2) {
            gql_buf_puts(buf, "[Object]");
            return;
        }
        gql_buf_puts(buf, "{ ");
        for (item = v->child; item != NULL; item = item->next) {
            if (item != v->child)
                gql_buf_puts(buf, ", ");
            gql_buf_puts(buf, item->string);
            gql_buf_puts(buf, ": ");
            inspect(buf, item, depth + 1);
        }
        gql_buf_puts(buf, " }");
    } else {
        gql_buf_puts(buf, "undefined");
    }
}

void gql_inspect_json(struct gql_buf *buf, const cJSON *value)
{
    inspect(buf, value, 1);
}
