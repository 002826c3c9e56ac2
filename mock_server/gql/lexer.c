/*
 * The GraphQL lexer. It follows graphql-js 16's lexer step by step so that the
 * same bad input gets the same "Syntax Error: ..." message at the same place.
 * graphql-js counts columns in UTF-16 code units; so does gql_source_location.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer_private.h"
#include "print_private.h"
#include "utf8_private.h"

static const char *const kind_names[] = {
    [GQL_TOK_SOF] = "<SOF>",   [GQL_TOK_EOF] = "<EOF>",     [GQL_TOK_BANG] = "!",
    [GQL_TOK_DOLLAR] = "$",    [GQL_TOK_AMP] = "&",         [GQL_TOK_PAREN_L] = "(",
    [GQL_TOK_PAREN_R] = ")",   [GQL_TOK_SPREAD] = "...",    [GQL_TOK_COLON] = ":",
    [GQL_TOK_EQUALS] = "=",    [GQL_TOK_AT] = "@",          [GQL_TOK_BRACKET_L] = "[",
    [GQL_TOK_BRACKET_R] = "]", [GQL_TOK_BRACE_L] = "{",     [GQL_TOK_PIPE] = "|",
    [GQL_TOK_BRACE_R] = "}",   [GQL_TOK_NAME] = "Name",     [GQL_TOK_INT] = "Int",
    [GQL_TOK_FLOAT] = "Float", [GQL_TOK_STRING] = "String", [GQL_TOK_BLOCK_STRING] = "BlockString",
};

static bool is_punctuator(enum gql_tok kind)
{
    return kind >= GQL_TOK_BANG && kind <= GQL_TOK_BRACE_R;
}

const char *gql_tok_kind_desc(enum gql_tok kind, char *buf, size_t size)
{
    if (is_punctuator(kind))
        snprintf(buf, size, "\"%s\"", kind_names[kind]);
    else
        snprintf(buf, size, "%s", kind_names[kind]);
    return buf;
}

void gql_tok_desc(const struct gql_token *tok, char *out, size_t size)
{
    char kind[32];

    gql_tok_kind_desc(tok->kind, kind, sizeof(kind));
    if (tok->value != NULL && !is_punctuator(tok->kind) && tok->kind != GQL_TOK_EOF &&
        tok->kind != GQL_TOK_SOF) {
        int n = (int)(tok->value_len < 200 ? tok->value_len : 200);

        snprintf(out, size, "%s \"%.*s\"", kind, n, tok->value);
    } else {
        snprintf(out, size, "%s", kind);
    }
}

void gql_source_location(const char *src, size_t len, uint32_t offset, uint32_t *line,
                         uint32_t *column)
{
    const unsigned char *s = (const unsigned char *)src;
    uint32_t l = 1;
    uint32_t col = 1;
    size_t i = 0;

    if (offset > len)
        offset = (uint32_t)len;
    while (i < offset) {
        if (s[i] == '\n') {
            l++;
            col = 1;
            i++;
        } else if (s[i] == '\r') {
            l++;
            col = 1;
            i += (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
            if (i > offset) /* offset inside \r\n: the position of the \n */
                break;
        } else if (s[i] < 0x80) {
            col++;
            i++;
        } else {
            uint32_t cp;
            int valid;
            size_t n = gql_utf8_decode(s + i, len - i, &cp, &valid);

            col += cp >= 0x10000 ? 2 : 1;
            i += n;
        }
    }
    *line = l;
    *column = col;
}

void gql_lexer_init(struct gql_lexer *lx, const char *src, size_t len, struct gql_arena *arena)
{
    memset(lx, 0, sizeof(*lx));
    lx->src = src;
    lx->len = len;
    lx->arena = arena;
    lx->token.kind = GQL_TOK_SOF;
}

static int at(const struct gql_lexer *lx, size_t pos)
{
    return pos < lx->len ? (unsigned char)lx->src[pos] : -1;
}

/* Describe the code point at pos as graphql-js's printCodePointAt. */
static void print_code_point(const struct gql_lexer *lx, size_t pos, char *out, size_t size)
{
    uint32_t cp;
    int valid;

    if (pos >= lx->len) {
        snprintf(out, size, "<EOF>");
        return;
    }
    gql_utf8_decode((const unsigned char *)lx->src + pos, lx->len - pos, &cp, &valid);
    if (cp >= 0x20 && cp <= 0x7E)
        snprintf(out, size, cp == '"' ? "'\"'" : "\"%c\"", (int)cp);
    else
        snprintf(out, size, "U+%04X", (unsigned)cp);
}

static bool fail(struct gql_lexer *lx, size_t pos, const char *prefix, const char *arg,
                 const char *suffix)
{
    if (!lx->failed) {
        lx->failed = true;
        lx->err_off = (uint32_t)pos;
        gql_concat(lx->err, sizeof(lx->err), prefix, arg, suffix);
    }
    return false;
}

static bool fail_at_cp(struct gql_lexer *lx, size_t pos, const char *prefix)
{
    char cp[32];

    print_code_point(lx, pos, cp, sizeof(cp));
    return fail(lx, pos, prefix, cp, ".");
}

/* Byte length of the text from pos spanning `units` UTF-16 code units (or to the end). */
static size_t slice_units(const struct gql_lexer *lx, size_t pos, size_t units)
{
    size_t i = pos;

    while (units > 0 && i < lx->len) {
        uint32_t cp;
        int valid;
        size_t n = gql_utf8_decode((const unsigned char *)lx->src + i, lx->len - i, &cp, &valid);

        units -= (cp >= 0x10000 && units >= 2) ? 2 : 1;
        i += n;
    }
    return i - pos;
}

static bool fail_slice(struct gql_lexer *lx, size_t pos, const char *prefix, size_t units)
{
    char text[64];
    size_t n = slice_units(lx, pos, units);

    if (n >= sizeof(text))
        n = sizeof(text) - 1;
    memcpy(text, lx->src + pos, n);
    text[n] = '\0';
    return fail(lx, pos, prefix, text, "\".");
}

static bool is_name_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_name_continue(int c)
{
    return is_name_start(c) || is_digit(c);
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Four hex digits at pos as a 16-bit code, or -1 (read16BitHexCode). */
static int32_t hex4(const struct gql_lexer *lx, size_t pos)
{
    int32_t code = 0;
    int i;

    for (i = 0; i < 4; i++) {
        int d = hex_digit(at(lx, pos + (size_t)i));

        if (d < 0)
            return -1;
        code = (code << 4) | d;
    }
    return code;
}

static bool is_scalar_value(int64_t cp)
{
    return (cp >= 0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0x10FFFF);
}

static void set_token(struct gql_token *t, enum gql_tok kind, size_t start, size_t end)
{
    t->kind = kind;
    t->start = (uint32_t)start;
    t->end = (uint32_t)end;
    t->value = NULL;
    t->value_len = 0;
}

/* A growable scratch string for decoded string values, in the arena at the end. */
struct sbuf {
    char *data;
    size_t len;
    size_t cap;
    char small[256];
    bool oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom || n == 0)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap * 2;
        char *p;

        while (ncap < b->len + n + 1)
            ncap *= 2;
        if (b->data == b->small) {
            p = malloc(ncap);
            if (p != NULL)
                memcpy(p, b->small, b->len);
        } else {
            p = realloc(b->data, ncap);
        }
        if (p == NULL) {
            b->oom = true;
            return;
        }
        b->data = p;
        b->cap = ncap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static void sb_cp(struct sbuf *b, uint32_t cp)
{
    char tmp[4];

    sb_add(b, tmp, gql_utf8_encode(cp, tmp));
}

static void sb_init(struct sbuf *b)
{
    b->data = b->small;
    b->len = 0;
    b->cap = sizeof(b->small);
    b->oom = false;
}

static void sb_free(struct sbuf *b)
{
    if (b->data != b->small)
        free(b->data);
}

static bool sb_to_token(struct gql_lexer *lx, struct sbuf *b, struct gql_token *t)
{
    char *v = b->oom ? NULL : gql_arena_strndup(lx->arena, b->data, b->len);

    sb_free(b);
    if (v == NULL)
        return fail(lx, t->start, "Out of memory.", NULL, NULL);
    t->value = v;
    t->value_len = b->len;
    return true;
}

/* Advance over one code point inside a string; false (error set) when it is invalid. */
static bool string_char(struct gql_lexer *lx, size_t *pos)
{
    uint32_t cp;
    int valid;
    size_t n = gql_utf8_decode((const unsigned char *)lx->src + *pos, lx->len - *pos, &cp, &valid);

    if (!valid)
        return fail_at_cp(lx, *pos, "Invalid character within String: ");
    *pos += n;
    return true;
}

static bool read_string(struct gql_lexer *lx, size_t start, struct gql_token *t)
{
    size_t pos = start + 1;
    size_t chunk = pos;
    struct sbuf b;

    sb_init(&b);
    set_token(t, GQL_TOK_STRING, start, start);
    while (pos < lx->len) {
        int c = at(lx, pos);

        if (c == '"') {
            sb_add(&b, lx->src + chunk, pos - chunk);
            t->end = (uint32_t)(pos + 1);
            return sb_to_token(lx, &b, t);
        }
        if (c == '\\') {
            sb_add(&b, lx->src + chunk, pos - chunk);
            if (at(lx, pos + 1) == 'u' && at(lx, pos + 2) == '{') {
                int32_t point = 0;
                size_t size = 3;
                bool ok = false;

                while (size < 12) {
                    int d = at(lx, pos + size++);

                    if (d == '}') {
                        if (size < 5 || !is_scalar_value(point))
                            break;
                        ok = true;
                        break;
                    }
                    {
                        int hd = hex_digit(d);

                        point = hd < 0 ? -1 : (int32_t)(((uint32_t)point << 4) | (uint32_t)hd);
                    }
                    if (point < 0)
                        break;
                }
                if (!ok) {
                    sb_free(&b);
                    return fail_slice(lx, pos, "Invalid Unicode escape sequence: \"", size);
                }
                sb_cp(&b, (uint32_t)point);
                pos += size;
            } else if (at(lx, pos + 1) == 'u') {
                int32_t code = hex4(lx, pos + 2);

                if (is_scalar_value(code)) {
                    sb_cp(&b, (uint32_t)code);
                    pos += 6;
                } else {
                    int32_t trail = -1;

                    if (code >= 0xD800 && code <= 0xDBFF && at(lx, pos + 6) == '\\' &&
                        at(lx, pos + 7) == 'u')
                        trail = hex4(lx, pos + 8);
                    if (trail >= 0xDC00 && trail <= 0xDFFF) {
                        sb_cp(&b, 0x10000u + (((uint32_t)code - 0xD800u) << 10) +
                                      ((uint32_t)trail - 0xDC00u));
                        pos += 12;
                    } else {
                        sb_free(&b);
                        return fail_slice(lx, pos, "Invalid Unicode escape sequence: \"", 6);
                    }
                }
            } else {
                static const char from[] = "\"\\/bfnrt";
                static const char to[] = "\"\\/\b\f\n\r\t";
                int e = at(lx, pos + 1);
                const char *hit = e > 0 ? strchr(from, e) : NULL;

                if (hit == NULL) {
                    sb_free(&b);
                    return fail_slice(lx, pos, "Invalid character escape sequence: \"", 2);
                }
                sb_add(&b, &to[hit - from], 1);
                pos += 2;
            }
            chunk = pos;
            continue;
        }
        if (c == '\n' || c == '\r')
            break;
        if (!string_char(lx, &pos)) {
            sb_free(&b);
            return false;
        }
    }
    sb_free(&b);
    return fail(lx, pos, "Unterminated string.", NULL, NULL);
}

struct line {
    size_t start;
    size_t len;
};

/* graphql-js's dedentBlockStringLines, then the lines joined by '\n'. */
static bool block_value(struct gql_lexer *lx, const char *text, struct line *lines, size_t n,
                        struct gql_token *t)
{
    size_t common = (size_t)-1;
    size_t first = (size_t)-1;
    size_t last = 0;
    bool any = false;
    size_t i;
    struct sbuf b;

    for (i = 0; i < n; i++) {
        size_t indent = 0;

        while (indent < lines[i].len &&
               (text[lines[i].start + indent] == ' ' || text[lines[i].start + indent] == '\t'))
            indent++;
        if (indent == lines[i].len)
            continue;
        if (!any)
            first = i;
        any = true;
        last = i;
        if (i != 0 && indent < common)
            common = indent;
    }
    sb_init(&b);
    if (any) {
        for (i = first; i <= last; i++) {
            size_t off = 0;

            if (i != 0)
                off = common < lines[i].len ? common : lines[i].len;
            if (i != first)
                sb_add(&b, "\n", 1);
            sb_add(&b, text + lines[i].start + off, lines[i].len - off);
        }
    }
    return sb_to_token(lx, &b, t);
}

static bool read_block_string(struct gql_lexer *lx, size_t start, struct gql_token *t)
{
    size_t pos = start + 3;
    size_t chunk = pos;
    struct sbuf cur; /* the current line, escapes resolved */
    struct sbuf all; /* every line, back to back */
    struct line *lines = NULL;
    size_t nlines = 0;
    size_t cap = 0;
    bool ok = false;

    sb_init(&cur);
    sb_init(&all);
    set_token(t, GQL_TOK_BLOCK_STRING, start, start);
    for (;;) {
        int c = at(lx, pos);
        bool end_of_line;

        if (pos >= lx->len) {
            fail(lx, pos, "Unterminated string.", NULL, NULL);
            break;
        }
        end_of_line = c == '\n' || c == '\r';
        if (c == '"' && at(lx, pos + 1) == '"' && at(lx, pos + 2) == '"')
            end_of_line = true;
        if (c == '\\' && at(lx, pos + 1) == '"' && at(lx, pos + 2) == '"' &&
            at(lx, pos + 3) == '"') {
            sb_add(&cur, lx->src + chunk, pos - chunk);
            chunk = pos + 1;
            pos += 4;
            continue;
        }
        if (end_of_line) {
            sb_add(&cur, lx->src + chunk, pos - chunk);
            if (nlines == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                struct line *p = realloc(lines, ncap * sizeof(*p));

                if (p == NULL) {
                    fail(lx, start, "Out of memory.", NULL, NULL);
                    break;
                }
                lines = p;
                cap = ncap;
            }
            lines[nlines].start = all.len;
            lines[nlines].len = cur.len;
            nlines++;
            sb_add(&all, cur.data, cur.len);
            cur.len = 0;
            if (c == '"') {
                t->end = (uint32_t)(pos + 3);
                if (all.oom || cur.oom)
                    fail(lx, start, "Out of memory.", NULL, NULL);
                else
                    ok = block_value(lx, all.data, lines, nlines, t);
                break;
            }
            pos += (c == '\r' && at(lx, pos + 1) == '\n') ? 2 : 1;
            chunk = pos;
            continue;
        }
        if (!string_char(lx, &pos))
            break;
    }
    sb_free(&cur);
    sb_free(&all);
    free(lines);
    return ok;
}

static bool read_digits(struct gql_lexer *lx, size_t *pos)
{
    if (!is_digit(at(lx, *pos)))
        return fail_at_cp(lx, *pos, "Invalid number, expected digit but got: ");
    (*pos)++;
    while (is_digit(at(lx, *pos)))
        (*pos)++;
    return true;
}

static bool read_number(struct gql_lexer *lx, size_t start, struct gql_token *t)
{
    size_t pos = start;
    bool is_float = false;
    int c = at(lx, pos);

    if (c == '-')
        c = at(lx, ++pos);
    if (c == '0') {
        c = at(lx, ++pos);
        if (is_digit(c))
            return fail_at_cp(lx, pos, "Invalid number, unexpected digit after 0: ");
    } else {
        if (!read_digits(lx, &pos))
            return false;
        c = at(lx, pos);
    }
    if (c == '.') {
        is_float = true;
        pos++;
        if (!read_digits(lx, &pos))
            return false;
        c = at(lx, pos);
    }
    if (c == 'E' || c == 'e') {
        is_float = true;
        c = at(lx, ++pos);
        if (c == '+' || c == '-')
            pos++;
        if (!read_digits(lx, &pos))
            return false;
        c = at(lx, pos);
    }
    if (c == '.' || is_name_start(c))
        return fail_at_cp(lx, pos, "Invalid number, expected digit but got: ");
    set_token(t, is_float ? GQL_TOK_FLOAT : GQL_TOK_INT, start, pos);
    t->value = lx->src + start;
    t->value_len = pos - start;
    return true;
}

/* Lex the token starting at or after pos into t; *next gets the position after it. */
static bool read_token(struct gql_lexer *lx, size_t pos, struct gql_token *t, size_t *next)
{
    size_t comment_start = pos;
    size_t comment_end = pos;
    bool have_comment = false;
    bool ok = true;

    while (pos < lx->len) {
        int c = at(lx, pos);
        enum gql_tok punct = GQL_TOK_SOF;

        switch (c) {
        case '\t':
        case ' ':
        case ',':
        case '\n':
        case '\r':
            pos++;
            continue;
        case 0xEF: /* U+FEFF, the byte order mark */
            if (at(lx, pos + 1) == 0xBB && at(lx, pos + 2) == 0xBF) {
                pos += 3;
                continue;
            }
            break;
        case '#': {
            size_t p = pos + 1;

            while (p < lx->len) {
                int d = at(lx, p);
                uint32_t cp;
                int valid;

                if (d == '\n' || d == '\r')
                    break;
                p += gql_utf8_decode((const unsigned char *)lx->src + p, lx->len - p, &cp, &valid);
                if (!valid) {
                    p--; /* stop before the invalid byte, as graphql-js does */
                    break;
                }
            }
            if (!have_comment)
                comment_start = pos;
            have_comment = true;
            comment_end = p;
            pos = p;
            continue;
        }
        case '!':
            punct = GQL_TOK_BANG;
            break;
        case '$':
            punct = GQL_TOK_DOLLAR;
            break;
        case '&':
            punct = GQL_TOK_AMP;
            break;
        case '(':
            punct = GQL_TOK_PAREN_L;
            break;
        case ')':
            punct = GQL_TOK_PAREN_R;
            break;
        case '.':
            if (at(lx, pos + 1) == '.' && at(lx, pos + 2) == '.') {
                set_token(t, GQL_TOK_SPREAD, pos, pos + 3);
                goto done;
            }
            break;
        case ':':
            punct = GQL_TOK_COLON;
            break;
        case '=':
            punct = GQL_TOK_EQUALS;
            break;
        case '@':
            punct = GQL_TOK_AT;
            break;
        case '[':
            punct = GQL_TOK_BRACKET_L;
            break;
        case ']':
            punct = GQL_TOK_BRACKET_R;
            break;
        case '{':
            punct = GQL_TOK_BRACE_L;
            break;
        case '|':
            punct = GQL_TOK_PIPE;
            break;
        case '}':
            punct = GQL_TOK_BRACE_R;
            break;
        case '"':
            if (at(lx, pos + 1) == '"' && at(lx, pos + 2) == '"')
                ok = read_block_string(lx, pos, t);
            else
                ok = read_string(lx, pos, t);
            goto done;
        default:
            break;
        }
        if (punct != GQL_TOK_SOF) {
            set_token(t, punct, pos, pos + 1);
            goto done;
        }
        if (is_digit(c) || c == '-') {
            ok = read_number(lx, pos, t);
            goto done;
        }
        if (is_name_start(c)) {
            size_t end = pos + 1;

            while (is_name_continue(at(lx, end)))
                end++;
            set_token(t, GQL_TOK_NAME, pos, end);
            t->value = lx->src + pos;
            t->value_len = end - pos;
            goto done;
        }
        if (c == '\'')
            return fail(lx, pos,
                        "Unexpected single quote character ('), did you mean to use a double "
                        "quote (\")?",
                        NULL, NULL);
        {
            uint32_t cp;
            int valid;

            gql_utf8_decode((const unsigned char *)lx->src + pos, lx->len - pos, &cp, &valid);
            return fail_at_cp(lx, pos, valid ? "Unexpected character: " : "Invalid character: ");
        }
    }
    set_token(t, GQL_TOK_EOF, lx->len, lx->len);
done:
    if (!ok)
        return false;
    t->comment_start = (uint32_t)comment_start;
    t->comment_end = (uint32_t)(have_comment ? comment_end : comment_start);
    *next = t->end;
    return true;
}

bool gql_lexer_advance(struct gql_lexer *lx)
{
    struct gql_token t;
    size_t next;

    if (lx->failed)
        return false;
    if (lx->token.kind == GQL_TOK_EOF)
        return true;
    if (!read_token(lx, lx->pos, &t, &next))
        return false;
    lx->last = lx->token;
    lx->token = t;
    lx->pos = (uint32_t)next;
    return true;
}

bool gql_lexer_lookahead(struct gql_lexer *lx, struct gql_token *out)
{
    size_t next;

    if (lx->failed)
        return false;
    if (lx->token.kind == GQL_TOK_EOF) {
        *out = lx->token;
        return true;
    }
    return read_token(lx, lx->pos, out, &next);
}
