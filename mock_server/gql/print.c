/* graphql-js's printer, inspect() and Number#toString, for byte-identical messages. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print_private.h"
#include "utf8_private.h"

/* Digits of u into out (no sign), returning their count. */
static size_t write_digits(uint64_t u, char *out)
{
    char rev[24];
    size_t r = 0;
    size_t i;

    do {
        rev[r++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u > 0);
    for (i = 0; i < r; i++)
        out[i] = rev[r - 1 - i];
    return r;
}

/*
 * The common numbers without printf: an integer below 1e15, or a decimal of at most 15
 * significant digits and 8 decimals at or above 1e-5. Such a decimal is the only one of at
 * most 15 digits that reads back as value (DBL_DIG), so it is the shortest, as JavaScript
 * writes it. Returns false for the others.
 */
static bool js_number_fast(double value, char *out, size_t size)
{
    static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    double a = fabs(value);
    char tmp[40];
    size_t len = 0;
    int k;

    if (!(a < 1e15) || size < sizeof(tmp))
        return false;
    if (value < 0)
        tmp[len++] = '-';
    if (a == floor(a)) {
        len += write_digits((uint64_t)a, tmp + len);
        memcpy(out, tmp, len);
        out[len] = '\0';
        return true;
    }
    if (a < 1e-5)
        return false;
    for (k = 1; k <= 8; k++) {
        double m = a * pow10[k];
        char digits[24];
        size_t n;
        size_t whole;

        if (m >= 1e15)
            return false;
        if (m != floor(m))
            continue;
        /* Rounding in the product may land on a later k (a trailing zero) or elsewhere. */
        if (fmod(m, 10) == 0 || m / pow10[k] != a)
            return false;
        n = write_digits((uint64_t)m, digits);
        whole = n > (size_t)k ? n - (size_t)k : 0;
        if (whole == 0) {
            tmp[len++] = '0';
            tmp[len++] = '.';
            for (size_t z = n; z < (size_t)k; z++)
                tmp[len++] = '0';
            memcpy(tmp + len, digits, n);
            len += n;
        } else {
            memcpy(tmp + len, digits, whole);
            len += whole;
            tmp[len++] = '.';
            memcpy(tmp + len, digits + whole, (size_t)k);
            len += (size_t)k;
        }
        memcpy(out, tmp, len);
        out[len] = '\0';
        return true;
    }
    return false;
}

void gql_js_number(double value, char *out, size_t size)
{
    char digits[32];
    char tmp[40];
    int exp10 = 0;
    int k = 0;
    int prec;
    int n;
    size_t len = 0;
    bool neg = false;

    if (isnan(value)) {
        snprintf(out, size, "NaN");
        return;
    }
    if (isinf(value)) {
        snprintf(out, size, value < 0 ? "-Infinity" : "Infinity");
        return;
    }
    if (value == 0) {
        snprintf(out, size, "0");
        return;
    }
    if (js_number_fast(value, out, size))
        return;
    if (value < 0) {
        neg = true;
        value = -value;
    }
    if (value < 1e15 && floor(value) == value) {
        /* An integer: its digits, without printf. */
        uint64_t u = (uint64_t)value;
        char rev[24];
        int r = 0;

        while (u > 0) {
            rev[r++] = (char)('0' + (int)(u % 10));
            u /= 10;
        }
        exp10 = r - 1;
        while (r > 0)
            digits[k++] = rev[--r];
        while (k > 1 && digits[k - 1] == '0')
            k--;
        digits[k] = '\0';
    } else {
        /* The shortest digits that read back as the same double: a double with at most
         * 15 significant digits (DBL_DIG) prints them at precision 15, trailing zeros
         * aside; otherwise 16 or 17 digits. Subnormals are tried from 1 digit up. */
        const char *e;
        const char *c;

        /* A subnormal has fewer significant bits: its shortest may be under 15 digits. */
        for (prec = value < 2.2250738585072014e-308 ? 1 : 15; prec <= 17; prec++) {
            snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, value);
            if (prec == 17 || strtod(tmp, NULL) == value)
                break;
        }
        e = strchr(tmp, 'e');
        exp10 = (int)strtol(e + 1, NULL, 10);
        for (c = tmp; c < e; c++)
            if (*c >= '0' && *c <= '9')
                digits[k++] = *c;
        while (k > 1 && digits[k - 1] == '0')
            k--;
        digits[k] = '\0';
    }
    n = exp10 + 1; /* the decimal point sits after n digits */
    if (neg)
        tmp[len++] = '-';
    if (k <= n && n <= 21) {
        memcpy(tmp + len, digits, (size_t)k);
        len += (size_t)k;
        for (int i = 0; i < n - k; i++)
            tmp[len++] = '0';
    } else if (0 < n && n <= 21) {
        memcpy(tmp + len, digits, (size_t)n);
        len += (size_t)n;
        tmp[len++] = '.';
        memcpy(tmp + len, digits + n, (size_t)(k - n));
        len += (size_t)(k - n);
    } else if (-6 < n && n <= 0) {
        tmp[len++] = '0';
        tmp[len++] = '.';
        for (int i = 0; i < -n; i++)
            tmp[len++] = '0';
        memcpy(tmp + len, digits, (size_t)k);
        len += (size_t)k;
    } else {
        tmp[len++] = digits[0];
        if (k > 1) {
            tmp[len++] = '.';
            memcpy(tmp + len, digits + 1, (size_t)(k - 1));
            len += (size_t)(k - 1);
        }
        len += (size_t)snprintf(tmp + len, sizeof(tmp) - len, "e%c%d", n - 1 < 0 ? '-' : '+',
                                abs(n - 1));
    }
    tmp[len] = '\0';
    if (size > 0) {
        if (len >= size)
            len = size - 1;
        memcpy(out, tmp, len);
        out[len] = '\0';
    }
}

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
