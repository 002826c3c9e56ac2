/*
 * gql_shape: parse a GraphQL schema (SDL) and a query document, and check a
 * JSON answer against the query's selection set. See gql_shape.h.
 *
 * The file has five parts, in the order data flows through them:
 *   1. utilities: bounded string builder, arena, file reading;
 *   2. the lexer and the parsing shared by SDL and queries (values, types,
 *      arguments, directives);
 *   3. the schema: SDL definitions, merging, resolving type references;
 *   4. the query document: one operation plus fragments;
 *   5. validation: the document against the schema, then the data against
 *      the document, then the fixture envelope around it.
 *
 * Memory: a schema and a query each own one arena; every node and string of
 * theirs lives in it and goes with *_destroy. Validation allocates only short
 * lived tables (malloc/free) that it frees before returning.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "gql_shape.h"

#define PRINTF_LIKE(fmt, first) __attribute__((format(printf, fmt, first)))

/* Largest path ("response.data.a.b[3].c") kept for a problem, with its NUL. */
#define PATH_SIZE 1024
/* Largest problem message, with its NUL. */
#define MSG_SIZE 512
/* Largest rendered type ("[[Int!]!]"), with its NUL. */
#define TYPE_TEXT_SIZE 256
/* Arena block size, and the most one arena may hold, in bytes. */
#define ARENA_BLOCK (64u * 1024u)
#define ARENA_MAX ((size_t)512u * 1024u * 1024u)
/* Longest operation name accepted in a fixture envelope. */
#define OPERATION_NAME_MAX 128

/* ------------------------------------------------------------------------ */
/* 1. Utilities                                                             */
/* ------------------------------------------------------------------------ */

const char *gql_strerror(enum gql_status status)
{
    switch (status) {
    case GQL_OK:
        return "no error";
    case GQL_BAD_ARGUMENT:
        return "bad argument";
    case GQL_NO_MEMORY:
        return "out of memory";
    case GQL_SYNTAX:
        return "syntax error";
    case GQL_TOO_DEEP:
        return "nested too deeply";
    case GQL_TOO_BIG:
        return "too big";
    case GQL_IO:
        return "cannot read file";
    case GQL_INVALID:
        return "invalid document";
    }
    return "unknown status";
}

/* A string builder over a caller's fixed buffer; it truncates, never
 * overflows, and keeps the buffer NUL-terminated. */
struct sbuf {
    char *buf;
    size_t size;
    size_t len;
};

/* Start building into buf[size]; size may be 0 (everything is dropped). */
static void sb_init(struct sbuf *sb, char *buf, size_t size)
{
    sb->buf = buf;
    sb->size = size;
    sb->len = 0;
    if (size > 0)
        buf[0] = '\0';
}

/* Append n bytes of s, as many as fit. */
static void sb_putn(struct sbuf *sb, const char *s, size_t n)
{
    size_t room;

    if (sb->size == 0)
        return;
    room = sb->size - 1 - sb->len;
    if (n > room)
        n = room;
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

/* Append a NUL-terminated string. */
static void sb_puts(struct sbuf *sb, const char *s)
{
    sb_putn(sb, s, strlen(s));
}

/* Append formatted text, as much as fits. */
PRINTF_LIKE(2, 0)
static void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
    size_t room;
    int n;

    if (sb->size == 0)
        return;
    room = sb->size - sb->len;
    n = vsnprintf(sb->buf + sb->len, room, fmt, ap);
    if (n < 0) {
        sb->buf[sb->len] = '\0';
        return;
    }
    if ((size_t)n >= room)
        sb->len = sb->size - 1;
    else
        sb->len += (size_t)n;
}

/* Append formatted text, as much as fits. */
PRINTF_LIKE(2, 3)
static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

/* Cut the built string back to len bytes. */
static void sb_truncate(struct sbuf *sb, size_t len)
{
    if (len < sb->len) {
        sb->len = len;
        sb->buf[len] = '\0';
    }
}

/* One block of an arena; data is aligned for any object. */
struct arena_block {
    struct arena_block *next;
    size_t used;
    size_t size;
    max_align_t data[];
};

/* A bump allocator: objects are freed all at once by arena_finish(). */
struct arena {
    struct arena_block *head;
    size_t total;
};

/* Return n zeroed bytes owned by the arena, or NULL when out of memory or
 * past ARENA_MAX. */
static void *arena_alloc(struct arena *a, size_t n)
{
    const size_t align = _Alignof(max_align_t);
    struct arena_block *b = a->head;
    void *ptr;

    if (n == 0)
        n = 1;
    if (n > ARENA_MAX)
        return NULL;
    n = (n + align - 1) / align * align;
    if (b == NULL || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;

        if (a->total + size > ARENA_MAX)
            return NULL;
        b = malloc(sizeof(*b) + size);
        if (b == NULL)
            return NULL;
        b->next = a->head;
        b->used = 0;
        b->size = size;
        a->head = b;
        a->total += size;
    }
    ptr = (unsigned char *)b->data + b->used;
    b->used += n;
    memset(ptr, 0, n);
    return ptr;
}

/* Copy n bytes of s into the arena as a NUL-terminated string. */
static char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *copy;

    if (n >= ARENA_MAX)
        return NULL;
    copy = arena_alloc(a, n + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

/* Free every block of the arena; the arena is empty afterwards. */
static void arena_finish(struct arena *a)
{
    struct arena_block *b = a->head;

    while (b != NULL) {
        struct arena_block *next = b->next;

        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

enum gql_status gql_file_read(const char *path, size_t max_bytes, char **out, size_t *out_len)
{
    enum gql_status rc = GQL_BAD_ARGUMENT;
    FILE *f = NULL;
    char *buf = NULL;
    size_t len = 0;
    size_t cap = 0;

    if (path == NULL || out == NULL)
        goto out;
    if (max_bytes == 0)
        max_bytes = GQL_MAX_FILE;
    if (max_bytes > SIZE_MAX / 4)
        max_bytes = SIZE_MAX / 4;
    rc = GQL_IO;
    f = fopen(path, "rb");
    if (f == NULL)
        goto out;
    for (;;) {
        size_t n;

        if (len == cap) {
            /* One byte past the limit tells a file that is too big. */
            size_t ncap = cap ? cap * 2 : 4096;
            char *tmp;

            if (ncap > max_bytes + 1)
                ncap = max_bytes + 1;
            tmp = realloc(buf, ncap + 1);
            if (tmp == NULL) {
                rc = GQL_NO_MEMORY;
                goto out;
            }
            buf = tmp;
            cap = ncap;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len > max_bytes) {
            rc = GQL_TOO_BIG;
            goto out;
        }
        if (ferror(f))
            goto out;
        if (n == 0 || feof(f))
            break;
    }
    if (buf == NULL) {
        buf = malloc(1);
        if (buf == NULL) {
            rc = GQL_NO_MEMORY;
            goto out;
        }
    }
    buf[len] = '\0';
    *out = buf;
    buf = NULL;
    if (out_len != NULL)
        *out_len = len;
    rc = GQL_OK;
out:
    if (f != NULL)
        fclose(f);
    free(buf);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* 2. Lexer and shared parsing                                              */
/* ------------------------------------------------------------------------ */

enum tok_kind {
    TK_EOF,
    TK_PUNCT, /* punct holds the character; '.' stands for "..." */
    TK_NAME,
    TK_INT,
    TK_FLOAT,
    TK_STRING, /* "..." or """...""", kept raw */
};

/* A parser: the lexer state, the current token and the first error. */
struct parser {
    const char *src;
    size_t len;
    size_t pos;
    unsigned line;
    unsigned col;

    enum tok_kind kind;
    char punct;
    const char *tok;
    size_t tok_len;
    unsigned tline;
    unsigned tcol;

    struct arena *arena;
    enum gql_status status;
    char *err;
    size_t err_size;
    unsigned depth;
};

/* Kinds of value literal. */
enum value_kind {
    V_VAR,
    V_INT,
    V_FLOAT,
    V_STRING,
    V_BOOL,
    V_NULL,
    V_ENUM,
    V_LIST,
    V_OBJECT,
};

struct arg;

/* A value literal. text is the variable or enum name, or the number as
 * written; a list's items are linked by next; an object's members are args. */
struct value {
    enum value_kind kind;
    const char *text;
    bool boolean;
    struct value *items;
    struct arg *fields;
    struct value *next;
    unsigned line;
    unsigned col;
};

/* An argument (or an input object member): name: value. */
struct arg {
    const char *name;
    struct value *value;
    struct arg *next;
    unsigned line;
    unsigned col;
};

/* A directive use: @name(args). */
struct directive {
    const char *name;
    struct arg *args;
    struct directive *next;
    unsigned line;
    unsigned col;
};

enum tref_kind { TR_NAMED, TR_LIST, TR_NON_NULL };

struct gql_type;

/* A type reference: Name, [of] or of!. In a schema, a named reference is
 * resolved to its definition (type); in a query it is looked up by name. */
struct tref {
    enum tref_kind kind;
    const char *name;
    struct tref *of;
    struct gql_type *type;
    unsigned line;
    unsigned col;
};

/* Set the first error: "line:col: message". Later errors are dropped. */
PRINTF_LIKE(5, 0)
static void vperr_at(struct parser *p, unsigned line, unsigned col, enum gql_status status,
                     const char *fmt, va_list ap)
{
    struct sbuf sb;

    if (p->status != GQL_OK)
        return;
    p->status = status;
    p->kind = TK_EOF;
    if (p->err == NULL || p->err_size == 0)
        return;
    sb_init(&sb, p->err, p->err_size);
    sb_printf(&sb, "%u:%u: ", line, col);
    sb_vprintf(&sb, fmt, ap);
}

/* Set the first error at line:col. */
PRINTF_LIKE(5, 6)
static void perr_at(struct parser *p, unsigned line, unsigned col, enum gql_status status,
                    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vperr_at(p, line, col, status, fmt, ap);
    va_end(ap);
}

/* Set the first error at the current token. */
PRINTF_LIKE(3, 4)
static void perr(struct parser *p, enum gql_status status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vperr_at(p, p->tline, p->tcol, status, fmt, ap);
    va_end(ap);
}

/* Whether the parser has not failed yet. */
static bool ok(const struct parser *p)
{
    return p->status == GQL_OK;
}

/* Allocate n zeroed bytes from the parser's arena, or fail the parse. */
static void *palloc(struct parser *p, size_t n)
{
    void *ptr = arena_alloc(p->arena, n);

    if (ptr == NULL)
        perr(p, GQL_NO_MEMORY, "out of memory");
    return ptr;
}

/* Copy n bytes into the arena, or fail the parse. */
static char *pstrndup(struct parser *p, const char *s, size_t n)
{
    char *copy = arena_strndup(p->arena, s, n);

    if (copy == NULL)
        perr(p, GQL_NO_MEMORY, "out of memory");
    return copy;
}

static bool is_name_start(int c)
{
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_name_char(int c)
{
    return is_name_start(c) || is_digit(c);
}

/* The byte ahead bytes past the current position, or -1 past the end. */
static int lex_peek(const struct parser *p, size_t ahead)
{
    if (p->pos + ahead >= p->len)
        return -1;
    return (unsigned char)p->src[p->pos + ahead];
}

/* Consume one byte that is not a line terminator. Columns count characters:
 * UTF-8 continuation bytes do not advance them. */
static void lex_bump(struct parser *p)
{
    if (((unsigned char)p->src[p->pos] & 0xC0u) != 0x80u)
        p->col++;
    p->pos++;
}

/* Consume a line terminator: \n, \r\n or \r. */
static void lex_newline(struct parser *p)
{
    if (lex_peek(p, 0) == '\r' && lex_peek(p, 1) == '\n')
        p->pos++;
    p->pos++;
    p->line++;
    p->col = 1;
}

/* Skip white space, line terminators, commas, comments and BOMs. */
static void lex_skip_ignored(struct parser *p)
{
    for (;;) {
        int c = lex_peek(p, 0);

        if (c == ' ' || c == '\t' || c == ',') {
            lex_bump(p);
        } else if (c == '\n' || c == '\r') {
            lex_newline(p);
        } else if (c == '#') {
            while (c != -1 && c != '\n' && c != '\r') {
                lex_bump(p);
                c = lex_peek(p, 0);
            }
        } else if (c == 0xEF && lex_peek(p, 1) == 0xBB && lex_peek(p, 2) == 0xBF) {
            p->pos += 3;
            p->col++;
        } else {
            return;
        }
    }
}

/* Lex a number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static void lex_number(struct parser *p)
{
    bool is_float = false;

    if (lex_peek(p, 0) == '-')
        lex_bump(p);
    if (lex_peek(p, 0) == '0') {
        lex_bump(p);
        if (is_digit(lex_peek(p, 0))) {
            perr(p, GQL_SYNTAX, "number with a leading zero");
            return;
        }
    } else if (is_digit(lex_peek(p, 0))) {
        while (is_digit(lex_peek(p, 0)))
            lex_bump(p);
    } else {
        perr(p, GQL_SYNTAX, "expected a digit after '-'");
        return;
    }
    if (lex_peek(p, 0) == '.') {
        is_float = true;
        lex_bump(p);
        if (!is_digit(lex_peek(p, 0))) {
            perr(p, GQL_SYNTAX, "expected a digit after '.'");
            return;
        }
        while (is_digit(lex_peek(p, 0)))
            lex_bump(p);
    }
    if (lex_peek(p, 0) == 'e' || lex_peek(p, 0) == 'E') {
        is_float = true;
        lex_bump(p);
        if (lex_peek(p, 0) == '+' || lex_peek(p, 0) == '-')
            lex_bump(p);
        if (!is_digit(lex_peek(p, 0))) {
            perr(p, GQL_SYNTAX, "expected a digit in the exponent");
            return;
        }
        while (is_digit(lex_peek(p, 0)))
            lex_bump(p);
    }
    if (lex_peek(p, 0) == '.' || is_name_start(lex_peek(p, 0))) {
        perr(p, GQL_SYNTAX, "invalid number");
        return;
    }
    p->kind = is_float ? TK_FLOAT : TK_INT;
}

/* Lex a string "..." (one line, with escapes) or a block string """...""". */
static void lex_string(struct parser *p)
{
    if (lex_peek(p, 1) == '"' && lex_peek(p, 2) == '"') {
        p->pos += 3;
        p->col += 3;
        for (;;) {
            int c = lex_peek(p, 0);

            if (c == -1) {
                perr(p, GQL_SYNTAX, "unterminated block string");
                return;
            }
            if (c == '"' && lex_peek(p, 1) == '"' && lex_peek(p, 2) == '"') {
                p->pos += 3;
                p->col += 3;
                break;
            }
            if (c == '\\' && lex_peek(p, 1) == '"' && lex_peek(p, 2) == '"' &&
                lex_peek(p, 3) == '"') {
                p->pos += 4;
                p->col += 4;
            } else if (c == '\n' || c == '\r') {
                lex_newline(p);
            } else {
                lex_bump(p);
            }
        }
        p->kind = TK_STRING;
        return;
    }
    lex_bump(p);
    for (;;) {
        int c = lex_peek(p, 0);

        if (c == -1 || c == '\n' || c == '\r') {
            perr(p, GQL_SYNTAX, "unterminated string");
            return;
        }
        if (c == '"') {
            lex_bump(p);
            break;
        }
        if (c < 0x20 && c != '\t') {
            perr_at(p, p->line, p->col, GQL_SYNTAX, "control character in a string");
            return;
        }
        if (c == '\\') {
            int e = lex_peek(p, 1);

            if (e > 0 && strchr("\"\\/bfnrt", e) != NULL) {
                p->pos += 2;
                p->col += 2;
            } else if (e == 'u') {
                int i;

                for (i = 2; i < 6; i++) {
                    int h = lex_peek(p, (size_t)i);

                    if (!is_digit(h) && !((h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
                        perr_at(p, p->line, p->col, GQL_SYNTAX, "invalid \\u escape");
                        return;
                    }
                }
                p->pos += 6;
                p->col += 6;
            } else {
                perr_at(p, p->line, p->col, GQL_SYNTAX, "invalid escape in a string");
                return;
            }
            continue;
        }
        lex_bump(p);
    }
    p->kind = TK_STRING;
}

/* Read the next token into p->kind, p->tok, p->tok_len, p->tline, p->tcol. */
static void next(struct parser *p)
{
    static const char puncts[] = "!$&():=@[]{|}";
    int c;

    if (!ok(p)) {
        p->kind = TK_EOF;
        return;
    }
    lex_skip_ignored(p);
    p->tline = p->line;
    p->tcol = p->col;
    p->tok = p->src + p->pos;
    p->kind = TK_EOF;
    c = lex_peek(p, 0);
    if (c == -1) {
        p->tok_len = 0;
        return;
    }
    if (c != 0 && memchr(puncts, c, sizeof(puncts) - 1) != NULL) {
        p->kind = TK_PUNCT;
        p->punct = (char)c;
        lex_bump(p);
    } else if (c == '.') {
        if (lex_peek(p, 1) != '.' || lex_peek(p, 2) != '.') {
            perr(p, GQL_SYNTAX, "unexpected '.' (did you mean '...'?)");
            return;
        }
        p->kind = TK_PUNCT;
        p->punct = '.';
        p->pos += 3;
        p->col += 3;
    } else if (is_name_start(c)) {
        while (is_name_char(lex_peek(p, 0)))
            lex_bump(p);
        p->kind = TK_NAME;
    } else if (c == '-' || is_digit(c)) {
        lex_number(p);
    } else if (c == '"') {
        lex_string(p);
    } else if (c > 0x20 && c < 0x7F) {
        perr(p, GQL_SYNTAX, "unexpected character '%c'", c);
    } else {
        perr(p, GQL_SYNTAX, "unexpected byte 0x%02x", (unsigned)c);
    }
    if (!ok(p)) {
        p->kind = TK_EOF;
        return;
    }
    p->tok_len = (size_t)(p->src + p->pos - p->tok);
}

/* Describe the current token for an error message. */
static void tok_describe(const struct parser *p, char *buf, size_t size)
{
    struct sbuf sb;
    int n = p->tok_len > 40 ? 40 : (int)p->tok_len;

    sb_init(&sb, buf, size);
    switch (p->kind) {
    case TK_EOF:
        sb_puts(&sb, "end of input");
        break;
    case TK_PUNCT:
        sb_printf(&sb, "'%s'", p->punct == '.' ? "..." : (char[2]){p->punct, '\0'});
        break;
    case TK_NAME:
        sb_printf(&sb, "'%.*s'", n, p->tok);
        break;
    case TK_INT:
    case TK_FLOAT:
        sb_printf(&sb, "number %.*s", n, p->tok);
        break;
    case TK_STRING:
        sb_puts(&sb, "a string");
        break;
    }
}

/* Fail with "expected <what>, found <current token>". */
static void expected(struct parser *p, const char *what)
{
    char found[64];

    tok_describe(p, found, sizeof(found));
    perr(p, GQL_SYNTAX, "expected %s, found %s", what, found);
}

static bool peek_punct(const struct parser *p, char c)
{
    return p->kind == TK_PUNCT && p->punct == c;
}

/* Whether the current token is the name word. */
static bool tok_is(const struct parser *p, const char *word)
{
    size_t n = strlen(word);

    return p->kind == TK_NAME && p->tok_len == n && memcmp(p->tok, word, n) == 0;
}

/* Consume punctuator c if it is the current token. */
static bool accept_punct(struct parser *p, char c)
{
    if (!peek_punct(p, c))
        return false;
    next(p);
    return true;
}

/* Consume punctuator c, or fail with "expected <what>". */
static bool expect_punct(struct parser *p, char c, const char *what)
{
    if (accept_punct(p, c))
        return true;
    expected(p, what);
    return false;
}

/* Consume a name and return an arena copy, or fail with "expected <what>". */
static char *take_name(struct parser *p, const char *what)
{
    char *name;

    if (p->kind != TK_NAME) {
        expected(p, what);
        return NULL;
    }
    name = pstrndup(p, p->tok, p->tok_len);
    if (name != NULL)
        next(p);
    return name;
}

/* Enter one more level of nesting, or fail with GQL_TOO_DEEP. */
static bool enter(struct parser *p)
{
    if (p->depth >= GQL_MAX_DEPTH) {
        perr(p, GQL_TOO_DEEP, "nested deeper than %d levels", GQL_MAX_DEPTH);
        return false;
    }
    p->depth++;
    return true;
}

static void leave(struct parser *p)
{
    p->depth--;
}

static struct arg *parse_arguments(struct parser *p, bool is_const);

/* Parse a value literal; is_const forbids variables. */
static struct value *parse_value(struct parser *p, bool is_const)
{
    struct value *v;

    if (!enter(p))
        return NULL;
    v = palloc(p, sizeof(*v));
    if (v == NULL)
        goto out;
    v->line = p->tline;
    v->col = p->tcol;
    if (peek_punct(p, '$')) {
        if (is_const) {
            perr(p, GQL_SYNTAX, "a variable is not allowed here");
            goto out;
        }
        next(p);
        v->kind = V_VAR;
        v->text = take_name(p, "a variable name");
    } else if (p->kind == TK_INT || p->kind == TK_FLOAT) {
        v->kind = p->kind == TK_INT ? V_INT : V_FLOAT;
        v->text = pstrndup(p, p->tok, p->tok_len);
        next(p);
    } else if (p->kind == TK_STRING) {
        v->kind = V_STRING;
        next(p);
    } else if (p->kind == TK_NAME) {
        if (tok_is(p, "true") || tok_is(p, "false")) {
            v->kind = V_BOOL;
            v->boolean = tok_is(p, "true");
            next(p);
        } else if (tok_is(p, "null")) {
            v->kind = V_NULL;
            next(p);
        } else {
            v->kind = V_ENUM;
            v->text = take_name(p, "a value");
        }
    } else if (accept_punct(p, '[')) {
        struct value **tail = &v->items;

        v->kind = V_LIST;
        while (ok(p) && !accept_punct(p, ']')) {
            struct value *item = parse_value(p, is_const);

            if (item == NULL)
                break;
            *tail = item;
            tail = &item->next;
        }
    } else if (accept_punct(p, '{')) {
        struct arg **tail = &v->fields;

        v->kind = V_OBJECT;
        while (ok(p) && !accept_punct(p, '}')) {
            struct arg *a = palloc(p, sizeof(*a));

            if (a == NULL)
                break;
            a->line = p->tline;
            a->col = p->tcol;
            a->name = take_name(p, "an input field name or '}'");
            if (a->name == NULL || !expect_punct(p, ':', "':'"))
                break;
            a->value = parse_value(p, is_const);
            *tail = a;
            tail = &a->next;
        }
    } else {
        expected(p, "a value");
    }
out:
    leave(p);
    return ok(p) ? v : NULL;
}

/* Parse "(name: value ...)" if present; NULL when absent or on failure. */
static struct arg *parse_arguments(struct parser *p, bool is_const)
{
    struct arg *head = NULL;
    struct arg **tail = &head;

    if (!accept_punct(p, '('))
        return NULL;
    if (peek_punct(p, ')')) {
        expected(p, "an argument");
        return NULL;
    }
    while (ok(p) && !accept_punct(p, ')')) {
        struct arg *a = palloc(p, sizeof(*a));

        if (a == NULL)
            break;
        a->line = p->tline;
        a->col = p->tcol;
        a->name = take_name(p, "an argument name or ')'");
        if (a->name == NULL || !expect_punct(p, ':', "':'"))
            break;
        a->value = parse_value(p, is_const);
        *tail = a;
        tail = &a->next;
    }
    return ok(p) ? head : NULL;
}

/* Parse "@name(args) ..." while present. */
static struct directive *parse_directives(struct parser *p, bool is_const)
{
    struct directive *head = NULL;
    struct directive **tail = &head;

    while (ok(p) && peek_punct(p, '@')) {
        struct directive *d = palloc(p, sizeof(*d));

        if (d == NULL)
            break;
        d->line = p->tline;
        d->col = p->tcol;
        next(p);
        d->name = take_name(p, "a directive name");
        if (d->name == NULL)
            break;
        d->args = parse_arguments(p, is_const);
        *tail = d;
        tail = &d->next;
    }
    return ok(p) ? head : NULL;
}

/* Make a type reference node. */
static struct tref *new_tref(struct parser *p, enum tref_kind kind, const char *name,
                             struct tref *of, unsigned line, unsigned col)
{
    struct tref *t = palloc(p, sizeof(*t));

    if (t == NULL)
        return NULL;
    t->kind = kind;
    t->name = name;
    t->of = of;
    t->line = line;
    t->col = col;
    return t;
}

/* Parse a type: Name, [Type] or either followed by '!'. */
static struct tref *parse_type(struct parser *p)
{
    struct tref *t = NULL;
    unsigned line = p->tline;
    unsigned col = p->tcol;

    if (!enter(p))
        return NULL;
    if (accept_punct(p, '[')) {
        struct tref *inner = parse_type(p);

        if (inner == NULL || !expect_punct(p, ']', "']'"))
            goto out;
        t = new_tref(p, TR_LIST, NULL, inner, line, col);
    } else if (p->kind == TK_NAME) {
        char *name = take_name(p, "a type");

        if (name == NULL)
            goto out;
        t = new_tref(p, TR_NAMED, name, NULL, line, col);
    } else {
        expected(p, "a type");
        goto out;
    }
    if (t != NULL && accept_punct(p, '!'))
        t = new_tref(p, TR_NON_NULL, NULL, t, line, col);
out:
    leave(p);
    return ok(p) ? t : NULL;
}

/* Write a type reference as GraphQL spells it, e.g. "[Int!]!". */
static void render_tref(const struct tref *t, struct sbuf *sb)
{
    switch (t->kind) {
    case TR_NAMED:
        sb_puts(sb, t->name);
        break;
    case TR_LIST:
        sb_puts(sb, "[");
        render_tref(t->of, sb);
        sb_puts(sb, "]");
        break;
    case TR_NON_NULL:
        render_tref(t->of, sb);
        sb_puts(sb, "!");
        break;
    }
}

/* The innermost named reference of t. */
static const struct tref *tref_named(const struct tref *t)
{
    while (t->kind != TR_NAMED)
        t = t->of;
    return t;
}

/* ------------------------------------------------------------------------ */
/* 3. Schema                                                                */
/* ------------------------------------------------------------------------ */

enum type_kind { K_SCALAR, K_OBJECT, K_INTERFACE, K_UNION, K_ENUM, K_INPUT };

/* An argument definition or input object field: name: Type = default. */
struct input_def {
    const char *name;
    struct tref *type;
    bool has_default;
    struct input_def *next;
};

/* A field of an object or interface type. */
struct field_def {
    const char *name;
    struct tref *type;
    struct input_def *args;
    struct field_def *next;
};

/* A name in a list: enum value, union member or implemented interface. */
struct name_node {
    const char *name;
    struct gql_type *type; /* resolved member or interface */
    struct name_node *next;
    unsigned line;
    unsigned col;
};

/* Singly linked lists that append in O(1). A zeroed list is empty. */
struct field_list {
    struct field_def *head;
    struct field_def **tail;
};

struct input_list {
    struct input_def *head;
    struct input_def **tail;
};

struct name_list {
    struct name_node *head;
    struct name_node **tail;
};

/* A named type definition. */
struct gql_type {
    const char *name;
    enum type_kind kind;
    bool extension;
    size_t seq; /* order of definition; the first one wins */
    unsigned line;
    unsigned col;
    struct field_list fields;    /* object, interface */
    struct input_list inputs;    /* input object */
    struct name_list values;     /* enum */
    struct name_list members;    /* union */
    struct name_list interfaces; /* object, interface */
    struct gql_type *next;       /* definition order, while parsing */
};

/* A directive definition. */
struct directive_def {
    const char *name;
    struct input_def *args;
    struct directive_def *next;
};

struct gql_schema {
    struct arena arena;
    struct gql_type **types; /* sorted by name, unique */
    size_t ntypes;
    struct directive_def *directives;
    struct gql_type *roots[3]; /* query, mutation, subscription */
};

/* Names of the root operation types, indexed like gql_schema.roots. */
static const char *const operation_names[3] = {"query", "mutation", "subscription"};

/* Scalars and directives every schema has; a schema's own come first. */
static const char prelude_sdl[] = "scalar Int scalar Float scalar String scalar Boolean scalar ID\n"
                                  "directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | "
                                  "INLINE_FRAGMENT\n"
                                  "directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | "
                                  "INLINE_FRAGMENT\n"
                                  "directive @deprecated(reason: String) on FIELD_DEFINITION | "
                                  "ENUM_VALUE | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION\n";

static void field_list_append(struct field_list *l, struct field_def *f)
{
    if (l->tail == NULL)
        l->tail = &l->head;
    *l->tail = f;
    l->tail = &f->next;
}

static void input_list_append(struct input_list *l, struct input_def *d)
{
    if (l->tail == NULL)
        l->tail = &l->head;
    *l->tail = d;
    l->tail = &d->next;
}

static void name_list_append(struct name_list *l, struct name_node *n)
{
    if (l->tail == NULL)
        l->tail = &l->head;
    *l->tail = n;
    l->tail = &n->next;
}

/* Move every node of b to the end of a. */
static void field_list_concat(struct field_list *a, struct field_list *b)
{
    if (b->head == NULL)
        return;
    if (a->tail == NULL)
        a->tail = &a->head;
    *a->tail = b->head;
    a->tail = b->tail;
    b->head = NULL;
    b->tail = NULL;
}

static void input_list_concat(struct input_list *a, struct input_list *b)
{
    if (b->head == NULL)
        return;
    if (a->tail == NULL)
        a->tail = &a->head;
    *a->tail = b->head;
    a->tail = b->tail;
    b->head = NULL;
    b->tail = NULL;
}

static void name_list_concat(struct name_list *a, struct name_list *b)
{
    if (b->head == NULL)
        return;
    if (a->tail == NULL)
        a->tail = &a->head;
    *a->tail = b->head;
    a->tail = b->tail;
    b->head = NULL;
    b->tail = NULL;
}

/* SDL parsing state. */
struct sdl {
    struct parser p;
    struct gql_schema *s;
    struct gql_type *types; /* every definition and extension, in order */
    struct gql_type **types_tail;
    size_t ntypes;
    struct directive_def **dir_tail;
    const char *root_names[3];
    unsigned root_line[3];
    unsigned root_col[3];
};

/* Skip a description string if present. */
static void skip_description(struct parser *p)
{
    if (p->kind == TK_STRING)
        next(p);
}

/* Parse input value definitions until the closing punctuator. */
static void parse_input_defs(struct parser *p, char close, struct input_list *out)
{
    while (ok(p) && !accept_punct(p, close)) {
        struct input_def *d;

        skip_description(p);
        d = palloc(p, sizeof(*d));
        if (d == NULL)
            return;
        d->name =
            take_name(p, close == ')' ? "an argument definition" : "an input field definition");
        if (d->name == NULL || !expect_punct(p, ':', "':'"))
            return;
        d->type = parse_type(p);
        if (d->type == NULL)
            return;
        if (accept_punct(p, '=')) {
            d->has_default = true;
            if (parse_value(p, true) == NULL)
                return;
        }
        parse_directives(p, true);
        input_list_append(out, d);
    }
}

/* Parse "{ field(args): Type @dirs ... }". */
static void parse_field_defs(struct parser *p, struct field_list *out)
{
    if (!expect_punct(p, '{', "'{'"))
        return;
    while (ok(p) && !accept_punct(p, '}')) {
        struct field_def *f;
        struct input_list args = {0};

        skip_description(p);
        f = palloc(p, sizeof(*f));
        if (f == NULL)
            return;
        f->name = take_name(p, "a field definition or '}'");
        if (f->name == NULL)
            return;
        if (accept_punct(p, '('))
            parse_input_defs(p, ')', &args);
        f->args = args.head;
        if (!expect_punct(p, ':', "':'"))
            return;
        f->type = parse_type(p);
        if (f->type == NULL)
            return;
        parse_directives(p, true);
        field_list_append(out, f);
    }
}

/* Parse a name into a new list node. */
static struct name_node *parse_name_node(struct parser *p, const char *what)
{
    struct name_node *n = palloc(p, sizeof(*n));

    if (n == NULL)
        return NULL;
    n->line = p->tline;
    n->col = p->tcol;
    n->name = take_name(p, what);
    return n->name != NULL ? n : NULL;
}

/* Parse the rest of a type, interface, union, enum, input or scalar
 * definition (or extension), after its keyword. */
static void sdl_type_def(struct sdl *d, enum type_kind kind, bool extension)
{
    struct parser *p = &d->p;
    struct gql_type *t = palloc(p, sizeof(*t));

    if (t == NULL)
        return;
    t->kind = kind;
    t->extension = extension;
    t->seq = d->ntypes;
    t->line = p->tline;
    t->col = p->tcol;
    t->name = take_name(p, "a type name");
    if (t->name == NULL)
        return;
    if ((kind == K_OBJECT || kind == K_INTERFACE) && tok_is(p, "implements")) {
        next(p);
        accept_punct(p, '&');
        do {
            struct name_node *n = parse_name_node(p, "an interface name");

            if (n == NULL)
                return;
            name_list_append(&t->interfaces, n);
        } while (accept_punct(p, '&'));
    }
    parse_directives(p, true);
    switch (kind) {
    case K_OBJECT:
    case K_INTERFACE:
        if (peek_punct(p, '{'))
            parse_field_defs(p, &t->fields);
        break;
    case K_INPUT:
        if (accept_punct(p, '{'))
            parse_input_defs(p, '}', &t->inputs);
        break;
    case K_ENUM:
        if (!accept_punct(p, '{'))
            break;
        while (ok(p) && !accept_punct(p, '}')) {
            struct name_node *n;

            skip_description(p);
            if (tok_is(p, "true") || tok_is(p, "false") || tok_is(p, "null")) {
                expected(p, "an enum value (not true, false or null)");
                return;
            }
            n = parse_name_node(p, "an enum value or '}'");
            if (n == NULL)
                return;
            parse_directives(p, true);
            name_list_append(&t->values, n);
        }
        break;
    case K_UNION:
        if (!accept_punct(p, '='))
            break;
        accept_punct(p, '|');
        do {
            struct name_node *n = parse_name_node(p, "a member type");

            if (n == NULL)
                return;
            name_list_append(&t->members, n);
        } while (accept_punct(p, '|'));
        break;
    case K_SCALAR:
        break;
    }
    if (!ok(p))
        return;
    *d->types_tail = t;
    d->types_tail = &t->next;
    d->ntypes++;
}

/* Parse the rest of "schema { query: Q ... }" after the keyword. */
static void sdl_schema_def(struct sdl *d, bool extension)
{
    struct parser *p = &d->p;

    parse_directives(p, true);
    if (!peek_punct(p, '{')) {
        if (!extension)
            expected(p, "'{'");
        return;
    }
    next(p);
    while (ok(p) && !accept_punct(p, '}')) {
        int i;
        int which = -1;
        unsigned line = p->tline;
        unsigned col = p->tcol;

        for (i = 0; i < 3; i++) {
            if (tok_is(p, operation_names[i]))
                which = i;
        }
        if (which < 0) {
            expected(p, "query, mutation, subscription or '}'");
            return;
        }
        next(p);
        if (!expect_punct(p, ':', "':'"))
            return;
        if (d->root_names[which] != NULL) {
            perr_at(p, line, col, GQL_INVALID, "root type for %s given twice",
                    operation_names[which]);
            return;
        }
        d->root_names[which] = take_name(p, "a type name");
        d->root_line[which] = line;
        d->root_col[which] = col;
    }
}

/* Parse the rest of "directive @name(args) repeatable? on A | B". */
static void sdl_directive_def(struct sdl *d)
{
    struct parser *p = &d->p;
    struct directive_def *def;
    struct input_list args = {0};

    if (!expect_punct(p, '@', "'@'"))
        return;
    def = palloc(p, sizeof(*def));
    if (def == NULL)
        return;
    def->name = take_name(p, "a directive name");
    if (def->name == NULL)
        return;
    if (accept_punct(p, '('))
        parse_input_defs(p, ')', &args);
    def->args = args.head;
    if (tok_is(p, "repeatable"))
        next(p);
    if (!tok_is(p, "on")) {
        expected(p, "'on'");
        return;
    }
    next(p);
    accept_punct(p, '|');
    do {
        if (take_name(p, "a directive location") == NULL)
            return;
    } while (accept_punct(p, '|'));
    *d->dir_tail = def;
    d->dir_tail = &def->next;
}

/* Parse SDL text into d's lists. */
static void sdl_parse_text(struct sdl *d, const char *text, size_t len)
{
    struct parser *p = &d->p;

    p->src = text;
    p->len = len;
    p->pos = 0;
    p->line = 1;
    p->col = 1;
    p->depth = 0;
    next(p);
    while (ok(p) && p->kind != TK_EOF) {
        bool extension = false;

        skip_description(p);
        if (tok_is(p, "extend")) {
            extension = true;
            next(p);
        }
        if (tok_is(p, "schema")) {
            next(p);
            sdl_schema_def(d, extension);
        } else if (tok_is(p, "scalar")) {
            next(p);
            sdl_type_def(d, K_SCALAR, extension);
        } else if (tok_is(p, "type")) {
            next(p);
            sdl_type_def(d, K_OBJECT, extension);
        } else if (tok_is(p, "interface")) {
            next(p);
            sdl_type_def(d, K_INTERFACE, extension);
        } else if (tok_is(p, "union")) {
            next(p);
            sdl_type_def(d, K_UNION, extension);
        } else if (tok_is(p, "enum")) {
            next(p);
            sdl_type_def(d, K_ENUM, extension);
        } else if (tok_is(p, "input")) {
            next(p);
            sdl_type_def(d, K_INPUT, extension);
        } else if (tok_is(p, "directive") && !extension) {
            next(p);
            sdl_directive_def(d);
        } else if (tok_is(p, "query") || tok_is(p, "mutation") || tok_is(p, "subscription") ||
                   tok_is(p, "fragment") || peek_punct(p, '{')) {
            perr(p, GQL_SYNTAX, "an operation or fragment does not belong in a schema");
        } else {
            expected(p, "a type system definition");
        }
    }
}

/* Order types by name, then by definition order. */
static int type_cmp(const void *a, const void *b)
{
    const struct gql_type *ta = *(const struct gql_type *const *)a;
    const struct gql_type *tb = *(const struct gql_type *const *)b;
    int c = strcmp(ta->name, tb->name);

    if (c != 0)
        return c;
    return ta->seq < tb->seq ? -1 : ta->seq > tb->seq;
}

/* Compare a name with a type, for bsearch. */
static int type_key_cmp(const void *key, const void *elem)
{
    const struct gql_type *t = *(const struct gql_type *const *)elem;

    return strcmp(key, t->name);
}

/* The type named name, or NULL. */
static struct gql_type *schema_type(const struct gql_schema *s, const char *name)
{
    struct gql_type **found;

    if (s->ntypes == 0)
        return NULL;
    found = bsearch(name, s->types, s->ntypes, sizeof(*s->types), type_key_cmp);
    return found != NULL ? *found : NULL;
}

static const char *kind_name(enum type_kind kind)
{
    switch (kind) {
    case K_SCALAR:
        return "scalar";
    case K_OBJECT:
        return "type";
    case K_INTERFACE:
        return "interface";
    case K_UNION:
        return "union";
    case K_ENUM:
        return "enum";
    case K_INPUT:
        return "input";
    }
    return "type";
}

static bool is_input_kind(enum type_kind kind)
{
    return kind == K_SCALAR || kind == K_ENUM || kind == K_INPUT;
}

static bool is_composite_kind(enum type_kind kind)
{
    return kind == K_OBJECT || kind == K_INTERFACE || kind == K_UNION;
}

/* Resolve a type reference; want_input picks input or output types. */
static void resolve_tref(struct sdl *d, struct tref *t, bool want_input)
{
    struct parser *p = &d->p;
    struct tref *named = t;
    struct gql_type *type;

    while (named->kind != TR_NAMED)
        named = named->of;
    type = schema_type(d->s, named->name);
    if (type == NULL) {
        perr_at(p, named->line, named->col, GQL_INVALID, "unknown type '%s'", named->name);
        return;
    }
    if (want_input && !is_input_kind(type->kind)) {
        perr_at(p, named->line, named->col, GQL_INVALID, "'%s' is not an input type", named->name);
        return;
    }
    if (!want_input && type->kind == K_INPUT) {
        perr_at(p, named->line, named->col, GQL_INVALID,
                "'%s' is an input type, not an output type", named->name);
        return;
    }
    named->type = type;
}

/* Resolve every input value definition of a list. */
static void resolve_inputs(struct sdl *d, struct input_def *defs)
{
    for (; defs != NULL && ok(&d->p); defs = defs->next)
        resolve_tref(d, defs->type, true);
}

/* Resolve the names of a union's members or a type's interfaces. */
static void resolve_names(struct sdl *d, struct name_list *names, enum type_kind want)
{
    struct name_node *n;

    for (n = names->head; n != NULL && ok(&d->p); n = n->next) {
        struct gql_type *type = schema_type(d->s, n->name);

        if (type == NULL || type->kind != want) {
            perr_at(&d->p, n->line, n->col, GQL_INVALID, "'%s' is not a defined %s", n->name,
                    want == K_OBJECT ? "object type" : "interface");
            return;
        }
        n->type = type;
    }
}

/* Sort the definitions, keep the first of each name, merge extensions into
 * it, resolve every reference and find the root types. */
static void sdl_finish(struct sdl *d)
{
    struct parser *p = &d->p;
    struct gql_schema *s = d->s;
    struct gql_type **all;
    struct gql_type *t;
    struct directive_def *dir;
    size_t i;
    size_t n = 0;

    all = palloc(p, (d->ntypes + 1) * sizeof(*all));
    if (all == NULL)
        return;
    for (t = d->types; t != NULL; t = t->next)
        all[n++] = t;
    qsort(all, n, sizeof(*all), type_cmp);
    s->types = all;
    s->ntypes = 0;
    for (i = 0; i < n && ok(p);) {
        size_t j = i;
        struct gql_type *base = NULL;

        while (j < n && strcmp(all[j]->name, all[i]->name) == 0) {
            if (!all[j]->extension && base == NULL)
                base = all[j];
            j++;
        }
        if (base == NULL) {
            perr_at(p, all[i]->line, all[i]->col, GQL_INVALID, "extension of undefined type '%s'",
                    all[i]->name);
            return;
        }
        for (; i < j; i++) {
            t = all[i];
            if (!t->extension)
                continue;
            if (t->kind != base->kind) {
                perr_at(p, t->line, t->col, GQL_INVALID, "'extend %s %s' but '%s' is a %s",
                        kind_name(t->kind), t->name, t->name, kind_name(base->kind));
                return;
            }
            field_list_concat(&base->fields, &t->fields);
            input_list_concat(&base->inputs, &t->inputs);
            name_list_concat(&base->values, &t->values);
            name_list_concat(&base->members, &t->members);
            name_list_concat(&base->interfaces, &t->interfaces);
        }
        s->types[s->ntypes++] = base;
    }
    for (i = 0; i < s->ntypes && ok(p); i++) {
        struct field_def *f;

        t = s->types[i];
        for (f = t->fields.head; f != NULL && ok(p); f = f->next) {
            resolve_tref(d, f->type, false);
            resolve_inputs(d, f->args);
        }
        resolve_inputs(d, t->inputs.head);
        resolve_names(d, &t->members, K_OBJECT);
        resolve_names(d, &t->interfaces, K_INTERFACE);
    }
    for (dir = s->directives; dir != NULL && ok(p); dir = dir->next)
        resolve_inputs(d, dir->args);
    for (i = 0; i < 3 && ok(p); i++) {
        const char *name = d->root_names[i];
        struct gql_type *root;

        if (name == NULL) {
            static const char *const defaults[3] = {"Query", "Mutation", "Subscription"};

            root = schema_type(s, defaults[i]);
            if (root != NULL && root->kind == K_OBJECT)
                s->roots[i] = root;
            continue;
        }
        root = schema_type(s, name);
        if (root == NULL || root->kind != K_OBJECT) {
            perr_at(p, d->root_line[i], d->root_col[i], GQL_INVALID,
                    "root %s type '%s' is not a defined object type", operation_names[i], name);
            return;
        }
        s->roots[i] = root;
    }
    if (ok(p) && s->roots[0] == NULL)
        perr_at(p, 1, 1, GQL_INVALID, "the schema has no query root type");
}

/* Keep only the first definition of each directive. */
static void dedupe_directives(struct gql_schema *s)
{
    struct directive_def **link = &s->directives;

    while (*link != NULL) {
        struct directive_def *d = *link;
        const struct directive_def *e;
        bool dup = false;

        for (e = s->directives; e != d; e = e->next) {
            if (strcmp(e->name, d->name) == 0)
                dup = true;
        }
        if (dup)
            *link = d->next;
        else
            link = &d->next;
    }
}

enum gql_status gql_schema_parse(const char *text, size_t len, struct gql_schema **out, char *err,
                                 size_t err_size)
{
    enum gql_status rc = GQL_BAD_ARGUMENT;
    struct gql_schema *s = NULL;
    struct sdl d;

    if (err != NULL && err_size > 0)
        err[0] = '\0';
    if ((text == NULL && len > 0) || out == NULL)
        goto out;
    rc = GQL_TOO_BIG;
    if (len > GQL_MAX_FILE)
        goto out;
    rc = GQL_NO_MEMORY;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        goto out;
    memset(&d, 0, sizeof(d));
    d.s = s;
    d.types_tail = &d.types;
    d.dir_tail = &s->directives;
    d.p.arena = &s->arena;
    d.p.err = err;
    d.p.err_size = err_size;
    d.p.status = GQL_OK;
    sdl_parse_text(&d, text != NULL ? text : "", len);
    if (ok(&d.p)) {
        /* The prelude's definitions come after the schema's own, so a
         * schema that declares them keeps its declarations. */
        sdl_parse_text(&d, prelude_sdl, sizeof(prelude_sdl) - 1);
    }
    if (ok(&d.p)) {
        dedupe_directives(s);
        sdl_finish(&d);
    }
    rc = d.p.status;
    if (rc != GQL_OK)
        goto out;
    *out = s;
    s = NULL;
out:
    if (rc != GQL_OK && err != NULL && err_size > 0 && err[0] == '\0')
        snprintf(err, err_size, "%s", gql_strerror(rc));
    gql_schema_destroy(s);
    return rc;
}

void gql_schema_destroy(struct gql_schema *schema)
{
    if (schema == NULL)
        return;
    arena_finish(&schema->arena);
    free(schema);
}

/* Prefix err with "path:" after a failed load. */
static void prefix_error(const char *path, char *err, size_t err_size)
{
    char tmp[GQL_ERROR_SIZE];

    if (err == NULL || err_size == 0)
        return;
    snprintf(tmp, sizeof(tmp), "%s", err);
    snprintf(err, err_size, "%s:%s", path, tmp);
}

enum gql_status gql_schema_load(const char *path, struct gql_schema **out, char *err,
                                size_t err_size)
{
    enum gql_status rc;
    char *text = NULL;
    size_t len = 0;

    if (err != NULL && err_size > 0)
        err[0] = '\0';
    if (path == NULL || out == NULL)
        return GQL_BAD_ARGUMENT;
    rc = gql_file_read(path, GQL_MAX_FILE, &text, &len);
    if (rc != GQL_OK) {
        if (err != NULL && err_size > 0)
            snprintf(err, err_size, "%s: %s", path, gql_strerror(rc));
        return rc;
    }
    rc = gql_schema_parse(text, len, out, err, err_size);
    if (rc != GQL_OK)
        prefix_error(path, err, err_size);
    free(text);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* 4. Query documents                                                       */
/* ------------------------------------------------------------------------ */

enum sel_kind { S_FIELD, S_INLINE, S_SPREAD };

/* One selection: a field, an inline fragment or a fragment spread. */
struct selection {
    enum sel_kind kind;
    unsigned line;
    unsigned col;
    const char *alias;     /* field: alias or NULL */
    const char *name;      /* field name, or spread fragment name */
    const char *type_cond; /* inline fragment: type condition or NULL */
    struct arg *args;
    struct directive *dirs;
    struct selection *set; /* sub-selection, NULL for leaves and spreads */
    struct selection *next;
};

/* A fragment definition. */
struct fragment {
    const char *name;
    const char *type_cond;
    unsigned line;
    unsigned col;
    unsigned cond_line;
    unsigned cond_col;
    struct directive *dirs;
    struct selection *set;
    struct fragment *next;
};

/* A variable definition of the operation. */
struct variable {
    const char *name;
    struct tref *type;
    const char *type_text;
    struct value *def;
    struct directive *dirs;
    unsigned line;
    unsigned col;
    struct variable *next;
};

struct gql_query {
    struct arena arena;
    int op;           /* index into operation_names */
    const char *name; /* NULL when anonymous */
    unsigned line;
    unsigned col;
    struct variable *vars;
    struct variable **var_index; /* nvars entries, in order */
    size_t nvars;
    struct directive *dirs;
    struct selection *set;
    struct fragment *fragments;
    size_t nfragments;
};

static struct selection *parse_selection_set(struct parser *p);

/* Parse one selection. */
static struct selection *parse_selection(struct parser *p)
{
    struct selection *sel = palloc(p, sizeof(*sel));

    if (sel == NULL)
        return NULL;
    sel->line = p->tline;
    sel->col = p->tcol;
    if (accept_punct(p, '.')) {
        if (p->kind == TK_NAME && !tok_is(p, "on")) {
            sel->kind = S_SPREAD;
            sel->name = take_name(p, "a fragment name");
            sel->dirs = parse_directives(p, false);
        } else {
            sel->kind = S_INLINE;
            if (tok_is(p, "on")) {
                next(p);
                sel->type_cond = take_name(p, "a type name");
            }
            sel->dirs = parse_directives(p, false);
            sel->set = parse_selection_set(p);
        }
    } else if (p->kind == TK_NAME) {
        sel->kind = S_FIELD;
        sel->name = take_name(p, "a field name");
        if (accept_punct(p, ':')) {
            sel->alias = sel->name;
            sel->name = take_name(p, "a field name after the alias");
        }
        sel->args = parse_arguments(p, false);
        sel->dirs = parse_directives(p, false);
        if (peek_punct(p, '{'))
            sel->set = parse_selection_set(p);
    } else {
        expected(p, "a field, '...' or '}'");
    }
    return ok(p) ? sel : NULL;
}

/* Parse "{ selection ... }"; empty sets are a syntax error. */
static struct selection *parse_selection_set(struct parser *p)
{
    struct selection *head = NULL;
    struct selection **tail = &head;

    if (!enter(p))
        return NULL;
    if (!expect_punct(p, '{', "'{'"))
        goto out;
    if (peek_punct(p, '}')) {
        expected(p, "a selection");
        goto out;
    }
    while (ok(p) && !accept_punct(p, '}')) {
        struct selection *sel = parse_selection(p);

        if (sel == NULL)
            break;
        *tail = sel;
        tail = &sel->next;
    }
out:
    leave(p);
    return ok(p) ? head : NULL;
}

/* Parse "($name: Type = default @dirs ...)" into q->vars. */
static void parse_variable_defs(struct parser *p, struct gql_query *q)
{
    struct variable **tail = &q->vars;

    if (!accept_punct(p, '('))
        return;
    if (peek_punct(p, ')')) {
        expected(p, "a variable definition");
        return;
    }
    while (ok(p) && !accept_punct(p, ')')) {
        struct variable *v = palloc(p, sizeof(*v));
        char text[TYPE_TEXT_SIZE];
        struct sbuf sb;

        if (v == NULL)
            return;
        v->line = p->tline;
        v->col = p->tcol;
        if (!expect_punct(p, '$', "'$' or ')'"))
            return;
        v->name = take_name(p, "a variable name");
        if (v->name == NULL || !expect_punct(p, ':', "':'"))
            return;
        v->type = parse_type(p);
        if (v->type == NULL)
            return;
        sb_init(&sb, text, sizeof(text));
        render_tref(v->type, &sb);
        v->type_text = pstrndup(p, text, sb.len);
        if (accept_punct(p, '='))
            v->def = parse_value(p, true);
        v->dirs = parse_directives(p, true);
        *tail = v;
        tail = &v->next;
        q->nvars++;
    }
}

/* Parse an operation: keyword, name, variables, directives, selection set.
 * The shorthand "{ ... }" is an anonymous query. */
static void parse_operation(struct parser *p, struct gql_query *q)
{
    int i;

    q->line = p->tline;
    q->col = p->tcol;
    q->op = 0;
    if (p->kind == TK_NAME) {
        for (i = 0; i < 3; i++) {
            if (tok_is(p, operation_names[i]))
                q->op = i;
        }
        next(p);
        if (p->kind == TK_NAME)
            q->name = take_name(p, "an operation name");
        parse_variable_defs(p, q);
        q->dirs = parse_directives(p, false);
    }
    q->set = parse_selection_set(p);
}

/* Parse "fragment Name on Type @dirs { ... }" after the keyword. */
static struct fragment *parse_fragment(struct parser *p, unsigned line, unsigned col)
{
    struct fragment *f = palloc(p, sizeof(*f));

    if (f == NULL)
        return NULL;
    f->line = line;
    f->col = col;
    if (tok_is(p, "on")) {
        expected(p, "a fragment name (not 'on')");
        return NULL;
    }
    f->name = take_name(p, "a fragment name");
    if (f->name == NULL)
        return NULL;
    if (!tok_is(p, "on")) {
        expected(p, "'on'");
        return NULL;
    }
    next(p);
    f->cond_line = p->tline;
    f->cond_col = p->tcol;
    f->type_cond = take_name(p, "a type name");
    f->dirs = parse_directives(p, false);
    f->set = parse_selection_set(p);
    return ok(p) ? f : NULL;
}

enum gql_status gql_query_parse(const char *text, size_t len, struct gql_query **out, char *err,
                                size_t err_size)
{
    enum gql_status rc = GQL_BAD_ARGUMENT;
    struct gql_query *q = NULL;
    struct fragment **ftail;
    struct parser p;
    bool have_op = false;

    if (err != NULL && err_size > 0)
        err[0] = '\0';
    if ((text == NULL && len > 0) || out == NULL)
        goto out;
    rc = GQL_TOO_BIG;
    if (len > GQL_MAX_FILE)
        goto out;
    rc = GQL_NO_MEMORY;
    q = calloc(1, sizeof(*q));
    if (q == NULL)
        goto out;
    ftail = &q->fragments;
    memset(&p, 0, sizeof(p));
    p.src = text != NULL ? text : "";
    p.len = len;
    p.line = 1;
    p.col = 1;
    p.arena = &q->arena;
    p.err = err;
    p.err_size = err_size;
    p.status = GQL_OK;
    next(&p);
    while (ok(&p) && p.kind != TK_EOF) {
        unsigned line = p.tline;
        unsigned col = p.tcol;

        if (peek_punct(&p, '{') || tok_is(&p, "query") || tok_is(&p, "mutation") ||
            tok_is(&p, "subscription")) {
            if (have_op) {
                perr(&p, GQL_INVALID, "a second operation (one per document)");
                break;
            }
            have_op = true;
            parse_operation(&p, q);
        } else if (tok_is(&p, "fragment")) {
            struct fragment *f;

            next(&p);
            f = parse_fragment(&p, line, col);
            if (f == NULL)
                break;
            *ftail = f;
            ftail = &f->next;
            q->nfragments++;
        } else if (p.kind == TK_STRING || tok_is(&p, "type") || tok_is(&p, "schema") ||
                   tok_is(&p, "scalar") || tok_is(&p, "enum") || tok_is(&p, "input") ||
                   tok_is(&p, "interface") || tok_is(&p, "union") || tok_is(&p, "directive") ||
                   tok_is(&p, "extend")) {
            perr(&p, GQL_SYNTAX, "a type system definition does not belong in a query");
        } else {
            expected(&p, "an operation or a fragment");
        }
    }
    if (ok(&p) && !have_op)
        perr(&p, GQL_INVALID, "the document has no operation");
    if (ok(&p) && q->nvars > 0) {
        struct variable *v;
        size_t i = 0;

        q->var_index = palloc(&p, q->nvars * sizeof(*q->var_index));
        for (v = q->vars; v != NULL && q->var_index != NULL; v = v->next)
            q->var_index[i++] = v;
    }
    rc = p.status;
    if (rc != GQL_OK)
        goto out;
    *out = q;
    q = NULL;
out:
    if (rc != GQL_OK && err != NULL && err_size > 0 && err[0] == '\0')
        snprintf(err, err_size, "%s", gql_strerror(rc));
    gql_query_destroy(q);
    return rc;
}

enum gql_status gql_query_load(const char *path, struct gql_query **out, char *err, size_t err_size)
{
    enum gql_status rc;
    char *text = NULL;
    size_t len = 0;

    if (err != NULL && err_size > 0)
        err[0] = '\0';
    if (path == NULL || out == NULL)
        return GQL_BAD_ARGUMENT;
    rc = gql_file_read(path, GQL_MAX_FILE, &text, &len);
    if (rc != GQL_OK) {
        if (err != NULL && err_size > 0)
            snprintf(err, err_size, "%s: %s", path, gql_strerror(rc));
        return rc;
    }
    rc = gql_query_parse(text, len, out, err, err_size);
    if (rc != GQL_OK)
        prefix_error(path, err, err_size);
    free(text);
    return rc;
}

void gql_query_destroy(struct gql_query *query)
{
    if (query == NULL)
        return;
    arena_finish(&query->arena);
    free(query);
}

const char *gql_query_operation_name(const struct gql_query *query)
{
    return query != NULL ? query->name : NULL;
}

const char *gql_query_operation_type(const struct gql_query *query)
{
    return query != NULL ? operation_names[query->op] : NULL;
}

size_t gql_query_variable_count(const struct gql_query *query)
{
    return query != NULL ? query->nvars : 0;
}

const char *gql_query_variable_name(const struct gql_query *query, size_t index)
{
    if (query == NULL || index >= query->nvars)
        return NULL;
    return query->var_index[index]->name;
}

const char *gql_query_variable_type(const struct gql_query *query, size_t index)
{
    if (query == NULL || index >= query->nvars)
        return NULL;
    return query->var_index[index]->type_text;
}

/* ------------------------------------------------------------------------ */
/* 5. Validation                                                            */
/* ------------------------------------------------------------------------ */

/* Count a problem and hand it to the report. */
PRINTF_LIKE(4, 0)
static void vemit(const struct gql_report *rep, size_t *count, const char *path, const char *fmt,
                  va_list ap)
{
    char msg[MSG_SIZE];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    (*count)++;
    if (rep != NULL && rep->fn != NULL)
        rep->fn(rep->user, path, msg);
}

/* Count a problem at path and hand it to the report. */
PRINTF_LIKE(4, 5)
static void emit(const struct gql_report *rep, size_t *count, const char *path, const char *fmt,
                 ...)
{
    va_list ap;

    va_start(ap, fmt);
    vemit(rep, count, path, fmt, ap);
    va_end(ap);
}

/* Validation state, one per gql_validate() or gql_check_envelope() call. */
struct vctx {
    const struct gql_schema *s;
    const struct gql_query *q; /* NULL until a query is attached */
    const struct gql_report *rep;
    const char *qlabel;     /* prefix of query problems */
    const char *data_label; /* path of the data object */
    const cJSON *vars;      /* fixture variables, or NULL */
    size_t problems;
    unsigned long work;
    bool stopped; /* the work limit was reached */
    bool deep_reported;
    unsigned char *var_used;       /* q->nvars flags; owned, freed by vctx_finish */
    unsigned char *frag_state;     /* q->nfragments DFS states; owned */
    unsigned char *frag_used;      /* q->nfragments flags; owned */
    const struct fragment **frags; /* q->nfragments, in order; owned */
    struct sbuf path;              /* current data path */
    char pathbuf[PATH_SIZE];
};

/* Start the current path over at label. */
static void path_reset(struct vctx *c, const char *label)
{
    sb_init(&c->path, c->pathbuf, sizeof(c->pathbuf));
    sb_puts(&c->path, label);
}

/* Append ".key" to the path; return the mark to pop back to. */
static size_t path_push_key(struct vctx *c, const char *key)
{
    size_t mark = c->path.len;

    sb_printf(&c->path, ".%s", key);
    return mark;
}

/* Append "[i]" to the path; return the mark to pop back to. */
static size_t path_push_index(struct vctx *c, size_t i)
{
    size_t mark = c->path.len;

    sb_printf(&c->path, "[%zu]", i);
    return mark;
}

static void path_pop(struct vctx *c, size_t mark)
{
    sb_truncate(&c->path, mark);
}

/* A problem at the current data path. */
PRINTF_LIKE(2, 3)
static void dproblem(struct vctx *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vemit(c->rep, &c->problems, c->pathbuf, fmt, ap);
    va_end(ap);
}

/* A problem at an explicit path. */
PRINTF_LIKE(3, 4)
static void aproblem(struct vctx *c, const char *path, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vemit(c->rep, &c->problems, path, fmt, ap);
    va_end(ap);
}

/* A problem in the query document at line:col. */
PRINTF_LIKE(4, 5)
static void qproblem(struct vctx *c, unsigned line, unsigned col, const char *fmt, ...)
{
    char path[PATH_SIZE];
    va_list ap;

    snprintf(path, sizeof(path), "%s:%u:%u", c->qlabel, line, col);
    va_start(ap, fmt);
    vemit(c->rep, &c->problems, path, fmt, ap);
    va_end(ap);
}

/* Count one step of work; false once GQL_MAX_WORK is spent. */
static bool step(struct vctx *c)
{
    if (c->stopped)
        return false;
    if (++c->work > GQL_MAX_WORK) {
        c->stopped = true;
        dproblem(c, "stopped after %lu steps (GQL_MAX_WORK)", GQL_MAX_WORK);
        return false;
    }
    return true;
}

/* Prepare a context without a query. */
static void vctx_init(struct vctx *c, const struct gql_schema *s, const struct gql_report *rep,
                      const char *qlabel, const char *data_label)
{
    memset(c, 0, sizeof(*c));
    c->s = s;
    c->rep = rep;
    c->qlabel = qlabel;
    c->data_label = data_label;
    path_reset(c, data_label);
}

/* Attach a query and allocate its tables; false when out of memory. */
static bool vctx_set_query(struct vctx *c, const struct gql_query *q)
{
    const struct fragment *f;
    size_t i = 0;

    c->q = q;
    c->var_used = calloc(q->nvars + 1, 1);
    c->frag_state = calloc(q->nfragments + 1, 1);
    c->frag_used = calloc(q->nfragments + 1, 1);
    c->frags = calloc(q->nfragments + 1, sizeof(*c->frags));
    if (c->var_used == NULL || c->frag_state == NULL || c->frag_used == NULL || c->frags == NULL) {
        aproblem(c, c->qlabel, "out of memory");
        return false;
    }
    for (f = q->fragments; f != NULL; f = f->next)
        c->frags[i++] = f;
    return true;
}

/* Free the context's tables. */
static void vctx_finish(struct vctx *c)
{
    free(c->var_used);
    free(c->frag_state);
    free(c->frag_used);
    free(c->frags);
    c->var_used = NULL;
    c->frag_state = NULL;
    c->frag_used = NULL;
    c->frags = NULL;
}

/* Render t into buf and return buf. */
static const char *type_text(const struct tref *t, char *buf, size_t size)
{
    struct sbuf sb;

    sb_init(&sb, buf, size);
    render_tref(t, &sb);
    return buf;
}

/* Describe a JSON value for a message: null, true, number 3, string "x"... */
static const char *describe_json(const cJSON *v, char *buf, size_t size)
{
    struct sbuf sb;

    sb_init(&sb, buf, size);
    if (v == NULL) {
        sb_puts(&sb, "nothing");
    } else if (cJSON_IsNull(v)) {
        sb_puts(&sb, "null");
    } else if (cJSON_IsTrue(v)) {
        sb_puts(&sb, "true");
    } else if (cJSON_IsFalse(v)) {
        sb_puts(&sb, "false");
    } else if (cJSON_IsNumber(v)) {
        sb_printf(&sb, "number %.15g", v->valuedouble);
    } else if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        size_t i;

        sb_puts(&sb, "string \"");
        for (i = 0; s[i] != '\0' && i < 40; i++) {
            char ch = (unsigned char)s[i] < 0x20 ? '?' : s[i];

            sb_putn(&sb, &ch, 1);
        }
        sb_puts(&sb, s[i] != '\0' ? "...\"" : "\"");
    } else if (cJSON_IsArray(v)) {
        sb_printf(&sb, "a list of %d", cJSON_GetArraySize(v));
    } else if (cJSON_IsObject(v)) {
        sb_puts(&sb, "an object");
    } else {
        sb_puts(&sb, "an invalid value");
    }
    return buf;
}

/* Describe a value literal for a message. */
static const char *describe_value(const struct value *v, char *buf, size_t size)
{
    switch (v->kind) {
    case V_VAR:
        snprintf(buf, size, "$%s", v->text);
        break;
    case V_INT:
    case V_FLOAT:
        snprintf(buf, size, "number %s", v->text);
        break;
    case V_STRING:
        snprintf(buf, size, "a string");
        break;
    case V_BOOL:
        snprintf(buf, size, "%s", v->boolean ? "true" : "false");
        break;
    case V_NULL:
        snprintf(buf, size, "null");
        break;
    case V_ENUM:
        snprintf(buf, size, "enum value %s", v->text);
        break;
    case V_LIST:
        snprintf(buf, size, "a list");
        break;
    case V_OBJECT:
        snprintf(buf, size, "an object");
        break;
    }
    return buf;
}

static const struct field_def *find_field(const struct gql_type *t, const char *name)
{
    const struct field_def *f;

    for (f = t->fields.head; f != NULL; f = f->next) {
        if (strcmp(f->name, name) == 0)
            return f;
    }
    return NULL;
}

static const struct input_def *find_input(const struct input_def *defs, const char *name)
{
    for (; defs != NULL; defs = defs->next) {
        if (strcmp(defs->name, name) == 0)
            return defs;
    }
    return NULL;
}

static const struct arg *find_arg(const struct arg *args, const char *name)
{
    for (; args != NULL; args = args->next) {
        if (strcmp(args->name, name) == 0)
            return args;
    }
    return NULL;
}

static bool has_enum_value(const struct gql_type *t, const char *name)
{
    const struct name_node *n;

    for (n = t->values.head; n != NULL; n = n->next) {
        if (strcmp(n->name, name) == 0)
            return true;
    }
    return false;
}

/* The variable named name and its index, or NULL. */
static const struct variable *find_variable(const struct gql_query *q, const char *name,
                                            size_t *index)
{
    size_t i;

    for (i = 0; i < q->nvars; i++) {
        if (strcmp(q->var_index[i]->name, name) == 0) {
            if (index != NULL)
                *index = i;
            return q->var_index[i];
        }
    }
    return NULL;
}

/* The fragment named name and its index, or NULL. */
static const struct fragment *find_fragment(const struct vctx *c, const char *name, size_t *index)
{
    size_t i;

    for (i = 0; i < c->q->nfragments; i++) {
        if (strcmp(c->frags[i]->name, name) == 0) {
            if (index != NULL)
                *index = i;
            return c->frags[i];
        }
    }
    return NULL;
}

static const struct directive_def *find_directive(const struct gql_schema *s, const char *name)
{
    const struct directive_def *d;

    for (d = s->directives; d != NULL; d = d->next) {
        if (strcmp(d->name, name) == 0)
            return d;
    }
    return NULL;
}

/* Whether object type obj is one of the possible types of t. */
static bool possible(const struct gql_type *t, const struct gql_type *obj)
{
    const struct name_node *n;

    if (t == obj)
        return true;
    if (obj->kind != K_OBJECT)
        return false;
    if (t->kind == K_UNION) {
        for (n = t->members.head; n != NULL; n = n->next) {
            if (n->type == obj)
                return true;
        }
    } else if (t->kind == K_INTERFACE) {
        for (n = obj->interfaces.head; n != NULL; n = n->next) {
            if (n->type == t)
                return true;
        }
    }
    return false;
}

/* Whether some object type is possible for both a and b. */
static bool could_overlap(const struct gql_schema *s, const struct gql_type *a,
                          const struct gql_type *b)
{
    size_t i;

    if (a == b)
        return true;
    for (i = 0; i < s->ntypes; i++) {
        const struct gql_type *o = s->types[i];

        if (o->kind == K_OBJECT && possible(a, o) && possible(b, o))
            return true;
    }
    return false;
}

/* Whether a JSON number is integral and within +-2^53. */
static bool json_is_integral(const cJSON *v)
{
    double d;

    if (!cJSON_IsNumber(v))
        return false;
    d = v->valuedouble;
    if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0))
        return false;
    return (double)(long long)d == d;
}

/* Whether a JSON number is integral and fits in 32 bits, as Int must. */
static bool json_is_int32(const cJSON *v)
{
    return json_is_integral(v) && v->valuedouble >= -2147483648.0 && v->valuedouble <= 2147483647.0;
}

/* Whether a non-null JSON value is a valid value of the named scalar. */
static bool json_fits_scalar(const char *scalar, const cJSON *v)
{
    if (strcmp(scalar, "Int") == 0)
        return json_is_int32(v);
    if (strcmp(scalar, "Float") == 0)
        return cJSON_IsNumber(v);
    if (strcmp(scalar, "String") == 0)
        return cJSON_IsString(v);
    if (strcmp(scalar, "Boolean") == 0)
        return cJSON_IsBool(v);
    if (strcmp(scalar, "ID") == 0)
        return cJSON_IsString(v) || json_is_integral(v);
    /* JSON and every other custom scalar take any value. */
    return true;
}

/* Whether an Int literal fits in 32 bits. */
static bool lit_is_int32(const char *text)
{
    char *end = NULL;
    long long n;

    errno = 0;
    n = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0')
        return false;
    return n >= INT32_MIN && n <= INT32_MAX;
}

/* Whether a non-null literal is a valid value of the named scalar. */
static bool lit_fits_scalar(const char *scalar, const struct value *v)
{
    if (strcmp(scalar, "Int") == 0)
        return v->kind == V_INT && lit_is_int32(v->text);
    if (strcmp(scalar, "Float") == 0)
        return v->kind == V_INT || v->kind == V_FLOAT;
    if (strcmp(scalar, "String") == 0)
        return v->kind == V_STRING;
    if (strcmp(scalar, "Boolean") == 0)
        return v->kind == V_BOOL;
    if (strcmp(scalar, "ID") == 0)
        return v->kind == V_STRING || v->kind == V_INT;
    return true;
}

/* Write up to a few of an enum's values, e.g. "any, dps, healer, tank". */
static const char *enum_values_text(const struct gql_type *t, char *buf, size_t size)
{
    const struct name_node *n;
    struct sbuf sb;
    int shown = 0;

    sb_init(&sb, buf, size);
    for (n = t->values.head; n != NULL; n = n->next) {
        if (shown == 8) {
            sb_puts(&sb, ", ...");
            break;
        }
        sb_printf(&sb, "%s%s", shown > 0 ? ", " : "", n->name);
        shown++;
    }
    return buf;
}

/* Whether a variable of type vt may be used where lt is expected. */
static bool types_compatible(const struct tref *vt, const struct tref *lt)
{
    if (lt->kind == TR_NON_NULL) {
        if (vt->kind != TR_NON_NULL)
            return false;
        return types_compatible(vt->of, lt->of);
    }
    if (vt->kind == TR_NON_NULL)
        return types_compatible(vt->of, lt);
    if (lt->kind == TR_LIST)
        return vt->kind == TR_LIST && types_compatible(vt->of, lt->of);
    if (vt->kind == TR_LIST)
        return false;
    return strcmp(vt->name, lt->name) == 0;
}

/* The spec's rule for variable usages, defaults included. */
static bool variable_fits(const struct variable *var, const struct tref *lt, bool loc_has_default)
{
    bool var_has_default = var->def != NULL && var->def->kind != V_NULL;

    if (lt->kind == TR_NON_NULL && var->type->kind != TR_NON_NULL) {
        if (!var_has_default && !loc_has_default)
            return false;
        return types_compatible(var->type, lt->of);
    }
    return types_compatible(var->type, lt);
}

static void check_lit(struct vctx *c, const struct value *v, const struct tref *t,
                      bool loc_has_default);

/* Check the members of an input object literal against type t. */
static void check_input_lit(struct vctx *c, const struct value *v, const struct gql_type *t)
{
    char want[TYPE_TEXT_SIZE];
    const struct input_def *d;
    const struct arg *a;

    for (a = v->fields; a != NULL; a = a->next) {
        const struct arg *b;

        for (b = v->fields; b != a; b = b->next) {
            if (strcmp(a->name, b->name) == 0)
                break;
        }
        d = find_input(t->inputs.head, a->name);
        if (b != a)
            qproblem(c, a->line, a->col, "input field '%s' given twice", a->name);
        else if (d == NULL)
            qproblem(c, a->line, a->col, "input %s has no field '%s'", t->name, a->name);
        else
            check_lit(c, a->value, d->type, d->has_default);
    }
    for (d = t->inputs.head; d != NULL; d = d->next) {
        if (d->type->kind == TR_NON_NULL && !d->has_default && find_arg(v->fields, d->name) == NULL)
            qproblem(c, v->line, v->col, "input %s needs field '%s' (%s)", t->name, d->name,
                     type_text(d->type, want, sizeof(want)));
    }
}

/* Check a value literal against the type expected where it stands. */
static void check_lit(struct vctx *c, const struct value *v, const struct tref *t,
                      bool loc_has_default)
{
    char want[TYPE_TEXT_SIZE];
    char found[TYPE_TEXT_SIZE];
    char values[TYPE_TEXT_SIZE];
    const struct gql_type *type;
    const struct value *item;

    if (v == NULL || !step(c))
        return;
    if (v->kind == V_VAR) {
        size_t index = 0;
        const struct variable *var = find_variable(c->q, v->text, &index);

        if (var == NULL) {
            qproblem(c, v->line, v->col, "variable $%s is not declared by the operation", v->text);
            return;
        }
        c->var_used[index] = 1;
        if (!variable_fits(var, t, loc_has_default))
            qproblem(c, v->line, v->col,
                     "variable $%s of type %s cannot be used where %s is expected", v->text,
                     var->type_text, type_text(t, want, sizeof(want)));
        return;
    }
    if (t->kind == TR_NON_NULL) {
        if (v->kind == V_NULL) {
            qproblem(c, v->line, v->col, "expected %s, found null",
                     type_text(t, want, sizeof(want)));
            return;
        }
        check_lit(c, v, t->of, false);
        return;
    }
    if (v->kind == V_NULL)
        return;
    if (t->kind == TR_LIST) {
        if (v->kind != V_LIST) {
            check_lit(c, v, t->of, false);
            return;
        }
        for (item = v->items; item != NULL; item = item->next)
            check_lit(c, item, t->of, false);
        return;
    }
    type = schema_type(c->s, t->name);
    if (type == NULL)
        return; /* reported where the type is named */
    describe_value(v, found, sizeof(found));
    switch (type->kind) {
    case K_SCALAR:
        if (!lit_fits_scalar(type->name, v))
            qproblem(c, v->line, v->col, "expected %s, found %s", type->name, found);
        break;
    case K_ENUM:
        if (v->kind != V_ENUM || !has_enum_value(type, v->text))
            qproblem(c, v->line, v->col, "expected a value of enum %s (%s), found %s", type->name,
                     enum_values_text(type, values, sizeof(values)), found);
        break;
    case K_INPUT:
        if (v->kind != V_OBJECT)
            qproblem(c, v->line, v->col, "expected an input object %s, found %s", type->name,
                     found);
        else
            check_input_lit(c, v, type);
        break;
    case K_OBJECT:
    case K_INTERFACE:
    case K_UNION:
        qproblem(c, v->line, v->col, "%s is not an input type", type->name);
        break;
    }
}

/* Check the arguments given to a field or directive against defs. */
static void check_args(struct vctx *c, const struct input_def *defs, const struct arg *args,
                       unsigned line, unsigned col, const char *what)
{
    char want[TYPE_TEXT_SIZE];
    const struct input_def *d;
    const struct arg *a;

    for (a = args; a != NULL; a = a->next) {
        const struct arg *b;

        for (b = args; b != a; b = b->next) {
            if (strcmp(a->name, b->name) == 0)
                break;
        }
        d = find_input(defs, a->name);
        if (b != a)
            qproblem(c, a->line, a->col, "argument '%s' given twice", a->name);
        else if (d == NULL)
            qproblem(c, a->line, a->col, "unknown argument '%s' on %s", a->name, what);
        else
            check_lit(c, a->value, d->type, d->has_default);
    }
    for (d = defs; d != NULL; d = d->next) {
        if (d->type->kind == TR_NON_NULL && !d->has_default && find_arg(args, d->name) == NULL)
            qproblem(c, line, col, "%s needs argument '%s' (%s)", what, d->name,
                     type_text(d->type, want, sizeof(want)));
    }
}

/* Check directive uses: known names and their arguments. */
static void check_directives(struct vctx *c, const struct directive *dirs)
{
    for (; dirs != NULL; dirs = dirs->next) {
        const struct directive_def *def = find_directive(c->s, dirs->name);
        char what[160];

        if (def == NULL) {
            qproblem(c, dirs->line, dirs->col, "unknown directive @%s", dirs->name);
            continue;
        }
        snprintf(what, sizeof(what), "directive @%s", dirs->name);
        check_args(c, def->args, dirs->args, dirs->line, dirs->col, what);
    }
}

static void check_set(struct vctx *c, const struct gql_type *parent, const struct selection *set);

/* Check one field selection of set on parent. */
static void check_field(struct vctx *c, const struct gql_type *parent, const struct selection *set,
                        const struct selection *sel)
{
    const char *key = sel->alias != NULL ? sel->alias : sel->name;
    const struct selection *other;
    const struct field_def *fd;
    const struct gql_type *type;
    char want[TYPE_TEXT_SIZE];
    char what[160];

    for (other = set; other != sel; other = other->next) {
        const char *okey;

        if (other->kind != S_FIELD)
            continue;
        okey = other->alias != NULL ? other->alias : other->name;
        if (strcmp(okey, key) == 0 && strcmp(other->name, sel->name) != 0) {
            qproblem(c, sel->line, sel->col, "response key '%s' names both '%s' and '%s'", key,
                     other->name, sel->name);
            break;
        }
    }
    if (strcmp(sel->name, "__typename") == 0) {
        if (sel->args != NULL)
            qproblem(c, sel->line, sel->col, "__typename takes no arguments");
        if (sel->set != NULL)
            qproblem(c, sel->line, sel->col, "__typename is a String and takes no selection");
        return;
    }
    fd = parent->kind == K_UNION ? NULL : find_field(parent, sel->name);
    if (fd == NULL) {
        qproblem(c, sel->line, sel->col, "%s %s has no field '%s'", kind_name(parent->kind),
                 parent->name, sel->name);
        return;
    }
    snprintf(what, sizeof(what), "field '%s'", sel->name);
    check_args(c, fd->args, sel->args, sel->line, sel->col, what);
    type = tref_named(fd->type)->type;
    type_text(fd->type, want, sizeof(want));
    if (!is_composite_kind(type->kind)) {
        if (sel->set != NULL)
            qproblem(c, sel->line, sel->col, "field '%s' is %s, a leaf, and takes no selection",
                     sel->name, want);
        return;
    }
    if (sel->set == NULL) {
        qproblem(c, sel->line, sel->col, "field '%s' of type %s needs a selection of subfields",
                 sel->name, want);
        return;
    }
    check_set(c, type, sel->set);
}

/* The composite type named by a fragment's condition, or NULL after
 * reporting why it is unusable. */
static const struct gql_type *fragment_type(struct vctx *c, const char *name, unsigned line,
                                            unsigned col)
{
    const struct gql_type *t = schema_type(c->s, name);

    if (t == NULL) {
        qproblem(c, line, col, "unknown type '%s'", name);
        return NULL;
    }
    if (!is_composite_kind(t->kind)) {
        qproblem(c, line, col,
                 "a fragment on %s %s: only object, interface and union types have fields",
                 kind_name(t->kind), name);
        return NULL;
    }
    return t;
}

/* Check a selection set on parent, recursively. */
static void check_set(struct vctx *c, const struct gql_type *parent, const struct selection *set)
{
    const struct selection *sel;

    for (sel = set; sel != NULL && step(c); sel = sel->next) {
        const struct gql_type *cond = parent;
        const struct fragment *f;

        check_directives(c, sel->dirs);
        switch (sel->kind) {
        case S_FIELD:
            check_field(c, parent, set, sel);
            break;
        case S_INLINE:
            if (sel->type_cond != NULL) {
                cond = fragment_type(c, sel->type_cond, sel->line, sel->col);
                if (cond == NULL)
                    break;
                if (!could_overlap(c->s, cond, parent)) {
                    qproblem(c, sel->line, sel->col, "a fragment on %s can never apply to %s",
                             cond->name, parent->name);
                    break;
                }
            }
            check_set(c, cond, sel->set);
            break;
        case S_SPREAD:
            f = find_fragment(c, sel->name, NULL);
            if (f == NULL) {
                qproblem(c, sel->line, sel->col, "unknown fragment '%s'", sel->name);
                break;
            }
            cond = schema_type(c->s, f->type_cond);
            if (cond != NULL && is_composite_kind(cond->kind) && !could_overlap(c->s, cond, parent))
                qproblem(c, sel->line, sel->col, "fragment %s (on %s) can never apply to %s",
                         f->name, cond->name, parent->name);
            break;
        }
    }
}

/* Follow fragment spreads from set: mark them used (when mark is set) and
 * report cycles. frag_state: 0 unvisited, 1 on the current path, 2 done. */
static void visit_spreads(struct vctx *c, const struct selection *set, bool mark, unsigned depth)
{
    const struct selection *sel;

    for (sel = set; sel != NULL && step(c); sel = sel->next) {
        const struct fragment *f;
        size_t i = 0;

        if (sel->kind != S_SPREAD) {
            visit_spreads(c, sel->set, mark, depth);
            continue;
        }
        f = find_fragment(c, sel->name, &i);
        if (f == NULL)
            continue;
        if (mark)
            c->frag_used[i] = 1;
        if (c->frag_state[i] == 1) {
            qproblem(c, sel->line, sel->col, "fragment %s spreads itself (a cycle)", f->name);
            continue;
        }
        if (c->frag_state[i] == 2)
            continue;
        if (depth >= GQL_MAX_DEPTH) {
            qproblem(c, sel->line, sel->col, "fragment spreads nested deeper than %d levels",
                     GQL_MAX_DEPTH);
            continue;
        }
        c->frag_state[i] = 1;
        visit_spreads(c, f->set, mark, depth + 1);
        c->frag_state[i] = 2;
    }
}

/* Check the query document against the schema. */
static void check_query(struct vctx *c)
{
    const struct gql_query *q = c->q;
    const struct gql_type *root = c->s->roots[q->op];
    size_t i;
    size_t j;

    for (i = 0; i < q->nvars; i++) {
        const struct variable *v = q->var_index[i];
        const struct tref *named = tref_named(v->type);
        const struct gql_type *type = schema_type(c->s, named->name);

        for (j = 0; j < i; j++) {
            if (strcmp(q->var_index[j]->name, v->name) == 0) {
                qproblem(c, v->line, v->col, "variable $%s declared twice", v->name);
                break;
            }
        }
        if (type == NULL)
            qproblem(c, named->line, named->col, "variable $%s: unknown type '%s'", v->name,
                     named->name);
        else if (!is_input_kind(type->kind))
            qproblem(c, named->line, named->col, "variable $%s: %s is not an input type", v->name,
                     named->name);
        else if (v->def != NULL)
            check_lit(c, v->def, v->type, false);
        check_directives(c, v->dirs);
    }
    check_directives(c, q->dirs);
    for (i = 0; i < q->nfragments; i++) {
        const struct fragment *f = c->frags[i];
        const struct gql_type *cond;

        for (j = 0; j < i; j++) {
            if (strcmp(c->frags[j]->name, f->name) == 0) {
                qproblem(c, f->line, f->col, "fragment %s defined twice", f->name);
                break;
            }
        }
        check_directives(c, f->dirs);
        cond = fragment_type(c, f->type_cond, f->cond_line, f->cond_col);
        if (cond != NULL)
            check_set(c, cond, f->set);
    }
    if (root == NULL)
        qproblem(c, q->line, q->col, "the schema has no %s root type", operation_names[q->op]);
    else
        check_set(c, root, q->set);
    visit_spreads(c, q->set, true, 0);
    for (i = 0; i < q->nfragments; i++) {
        if (c->frag_state[i] != 0)
            continue;
        c->frag_state[i] = 1;
        visit_spreads(c, c->frags[i]->set, false, 1);
        c->frag_state[i] = 2;
    }
    for (i = 0; i < q->nfragments; i++) {
        if (!c->frag_used[i])
            qproblem(c, c->frags[i]->line, c->frags[i]->col, "fragment %s is never used",
                     c->frags[i]->name);
    }
    for (i = 0; i < q->nvars; i++) {
        if (!c->var_used[i])
            qproblem(c, q->var_index[i]->line, q->var_index[i]->col, "variable $%s is never used",
                     q->var_index[i]->name);
    }
}

/* A response key with the field selections that share it. */
struct entry {
    const char *key;
    const char *fname;
    const struct gql_type *ptype; /* the type it was selected on */
    const struct selection **nodes;
    size_t n;
    size_t cap;
    bool required; /* selected unconditionally */
    bool seen;     /* found in the JSON object */
};

struct entries {
    struct entry *v;
    size_t n;
    size_t cap;
};

static void entries_free(struct entries *es)
{
    size_t i;

    for (i = 0; i < es->n; i++)
        free(es->v[i].nodes);
    free(es->v);
    es->v = NULL;
    es->n = 0;
    es->cap = 0;
}

static struct entry *find_entry(struct entries *es, const char *key)
{
    size_t i;

    for (i = 0; i < es->n; i++) {
        if (strcmp(es->v[i].key, key) == 0)
            return &es->v[i];
    }
    return NULL;
}

/* Add a field selection under its response key; false when out of memory. */
static bool entry_add(struct vctx *c, struct entries *es, const struct selection *sel,
                      const struct gql_type *ptype, bool required)
{
    const char *key = sel->alias != NULL ? sel->alias : sel->name;
    struct entry *e = find_entry(es, key);

    if (e == NULL) {
        if (es->n == es->cap) {
            size_t ncap = es->cap ? es->cap * 2 : 8;
            struct entry *tmp = realloc(es->v, ncap * sizeof(*tmp));

            if (tmp == NULL)
                goto nomem;
            es->v = tmp;
            es->cap = ncap;
        }
        e = &es->v[es->n++];
        memset(e, 0, sizeof(*e));
        e->key = key;
        e->fname = sel->name;
        e->ptype = ptype;
    }
    if (e->n == e->cap) {
        size_t ncap = e->cap ? e->cap * 2 : 2;
        const struct selection **tmp = realloc(e->nodes, ncap * sizeof(*tmp));

        if (tmp == NULL)
            goto nomem;
        e->nodes = tmp;
        e->cap = ncap;
    }
    e->nodes[e->n++] = sel;
    if (required)
        e->required = true;
    return true;
nomem:
    dproblem(c, "out of memory");
    c->stopped = true;
    return false;
}

enum inclusion { INC_NO, INC_YES, INC_MAYBE };

/* The value of an @skip/@include condition: 1, 0, or -1 when unknown
 * (a variable the fixture does not give). */
static int eval_condition(const struct vctx *c, const struct value *v)
{
    if (v == NULL)
        return -1;
    if (v->kind == V_BOOL)
        return v->boolean ? 1 : 0;
    if (v->kind == V_VAR && c->vars != NULL) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(c->vars, v->text);

        if (cJSON_IsBool(item))
            return cJSON_IsTrue(item) ? 1 : 0;
    }
    return -1;
}

/* Whether @skip/@include let a selection through. */
static enum inclusion eval_directives(const struct vctx *c, const struct directive *dirs)
{
    enum inclusion r = INC_YES;

    for (; dirs != NULL; dirs = dirs->next) {
        bool skip = strcmp(dirs->name, "skip") == 0;
        bool include = strcmp(dirs->name, "include") == 0;
        const struct arg *a;
        int cond;

        if (!skip && !include)
            continue;
        a = find_arg(dirs->args, "if");
        cond = eval_condition(c, a != NULL ? a->value : NULL);
        if (cond < 0)
            r = INC_MAYBE;
        else if ((skip && cond == 1) || (include && cond == 0))
            return INC_NO;
    }
    return r;
}

/* Collect the field selections of set that apply to an object of static
 * type ptype and (when known) concrete type runtime, by response key. */
static void collect(struct vctx *c, const struct gql_type *ptype, const struct gql_type *runtime,
                    const struct selection *set, bool required, struct entries *es, unsigned depth)
{
    const struct selection *sel;

    for (sel = set; sel != NULL && step(c); sel = sel->next) {
        enum inclusion inc = eval_directives(c, sel->dirs);
        const struct selection *sub;
        const struct gql_type *cond = ptype;
        const char *cond_name;
        enum inclusion applies;

        if (inc == INC_NO)
            continue;
        if (sel->kind == S_FIELD) {
            if (!entry_add(c, es, sel, ptype, required && inc == INC_YES))
                return;
            continue;
        }
        if (sel->kind == S_INLINE) {
            cond_name = sel->type_cond;
            sub = sel->set;
        } else {
            const struct fragment *f = find_fragment(c, sel->name, NULL);

            if (f == NULL)
                continue; /* reported by check_query */
            cond_name = f->type_cond;
            sub = f->set;
        }
        if (cond_name != NULL)
            cond = schema_type(c->s, cond_name);
        if (cond == NULL || !is_composite_kind(cond->kind))
            continue; /* reported by check_query */
        if (cond == ptype)
            applies = INC_YES;
        else if (runtime != NULL)
            applies = possible(cond, runtime) ? INC_YES : INC_NO;
        else
            applies = INC_MAYBE;
        if (applies == INC_NO)
            continue;
        if (depth >= GQL_MAX_DEPTH) {
            if (!c->deep_reported) {
                c->deep_reported = true;
                dproblem(c, "fragments nested deeper than %d levels; not followed", GQL_MAX_DEPTH);
            }
            continue;
        }
        collect(c, cond, runtime, sub, required && inc == INC_YES && applies == INC_YES, es,
                depth + 1);
    }
}

/* The field definition behind an entry, preferring the concrete type. */
static const struct field_def *entry_field(const struct entry *e, const struct gql_type *runtime)
{
    const struct field_def *fd = NULL;

    if (runtime != NULL)
        fd = find_field(runtime, e->fname);
    if (fd == NULL && e->ptype->kind != K_UNION)
        fd = find_field(e->ptype, e->fname);
    return fd;
}

/* The concrete type an object of abstract type t names in __typename. */
static const struct gql_type *runtime_of(const struct vctx *c, const struct gql_type *t,
                                         const cJSON *obj)
{
    const cJSON *tn = cJSON_GetObjectItemCaseSensitive(obj, "__typename");
    const struct gql_type *rt;

    if (!cJSON_IsString(tn))
        return NULL;
    rt = schema_type(c->s, tn->valuestring);
    if (rt == NULL || rt->kind != K_OBJECT || !possible(t, rt))
        return NULL;
    return rt;
}

/* Check a __typename value. */
static void check_typename(struct vctx *c, const struct gql_type *type, const cJSON *v)
{
    char found[96];
    const struct gql_type *rt;

    if (!cJSON_IsString(v)) {
        dproblem(c, "expected String! (a type name), found %s",
                 describe_json(v, found, sizeof(found)));
        return;
    }
    if (type->kind == K_OBJECT) {
        if (strcmp(v->valuestring, type->name) != 0)
            dproblem(c, "expected \"%s\", found %s", type->name,
                     describe_json(v, found, sizeof(found)));
        return;
    }
    rt = schema_type(c->s, v->valuestring);
    if (rt == NULL || rt->kind != K_OBJECT || !possible(type, rt))
        dproblem(c, "%s is not an object type of %s %s", describe_json(v, found, sizeof(found)),
                 kind_name(type->kind), type->name);
}

static void check_output(struct vctx *c, const struct tref *t, const struct selection *const *nodes,
                         size_t n, const cJSON *v, unsigned depth);

/* Check a JSON object against the selections (nodes[i]->set) made on a
 * field of type type, whose concrete type is runtime when known. */
static void validate_object(struct vctx *c, const struct gql_type *type,
                            const struct gql_type *runtime, const struct selection *const *nodes,
                            size_t n, const cJSON *obj, unsigned depth)
{
    struct entries es = {0};
    const cJSON *m;
    size_t i;

    if (depth > GQL_MAX_DEPTH) {
        if (!c->deep_reported) {
            c->deep_reported = true;
            dproblem(c, "nested deeper than %d levels; not checked", GQL_MAX_DEPTH);
        }
        return;
    }
    for (i = 0; i < n && !c->stopped; i++)
        collect(c, type, runtime, nodes[i]->set, true, &es, 0);
    for (m = obj->child; m != NULL && !c->stopped; m = m->next) {
        const char *key = m->string != NULL ? m->string : "";
        size_t mark = path_push_key(c, key);
        struct entry *e = find_entry(&es, key);

        if (e == NULL) {
            dproblem(c, "unexpected key: the query does not select it");
        } else if (e->seen) {
            dproblem(c, "duplicate key");
        } else {
            e->seen = true;
            if (strcmp(e->fname, "__typename") == 0) {
                check_typename(c, runtime != NULL ? runtime : type, m);
            } else {
                const struct field_def *fd = entry_field(e, runtime);

                /* Unknown fields were reported by check_query. */
                if (fd != NULL)
                    check_output(c, fd->type, e->nodes, e->n, m, depth);
            }
        }
        path_pop(c, mark);
    }
    for (i = 0; i < es.n && !c->stopped; i++) {
        const struct entry *e = &es.v[i];
        const struct field_def *fd;
        char want[TYPE_TEXT_SIZE];
        size_t mark;

        if (e->seen || !e->required)
            continue;
        fd = entry_field(e, runtime);
        if (fd == NULL && strcmp(e->fname, "__typename") != 0)
            continue;
        mark = path_push_key(c, e->key);
        dproblem(c, "missing: the query selects it (expected %s)",
                 fd != NULL ? type_text(fd->type, want, sizeof(want)) : "String!");
        path_pop(c, mark);
    }
    entries_free(&es);
}

/* Check a JSON value against an output type and the selections on it. */
static void check_output(struct vctx *c, const struct tref *t, const struct selection *const *nodes,
                         size_t n, const cJSON *v, unsigned depth)
{
    char want[TYPE_TEXT_SIZE];
    char found[96];
    char values[TYPE_TEXT_SIZE];
    const struct gql_type *type;
    const cJSON *item;
    size_t i = 0;

    if (!step(c))
        return;
    if (t->kind == TR_NON_NULL) {
        if (cJSON_IsNull(v)) {
            dproblem(c, "expected %s, found null", type_text(t, want, sizeof(want)));
            return;
        }
        check_output(c, t->of, nodes, n, v, depth);
        return;
    }
    if (cJSON_IsNull(v))
        return;
    describe_json(v, found, sizeof(found));
    if (t->kind == TR_LIST) {
        if (!cJSON_IsArray(v)) {
            dproblem(c, "expected a list %s, found %s", type_text(t, want, sizeof(want)), found);
            return;
        }
        for (item = v->child; item != NULL && !c->stopped; item = item->next, i++) {
            size_t mark = path_push_index(c, i);

            check_output(c, t->of, nodes, n, item, depth);
            path_pop(c, mark);
        }
        return;
    }
    type = t->type;
    switch (type->kind) {
    case K_SCALAR:
        if (!json_fits_scalar(type->name, v))
            dproblem(c, "expected %s, found %s", type->name, found);
        break;
    case K_ENUM:
        if (!cJSON_IsString(v) || !has_enum_value(type, v->valuestring))
            dproblem(c, "expected a value of enum %s (%s), found %s", type->name,
                     enum_values_text(type, values, sizeof(values)), found);
        break;
    case K_OBJECT:
        if (!cJSON_IsObject(v)) {
            dproblem(c, "expected an object %s, found %s", type->name, found);
            break;
        }
        validate_object(c, type, type, nodes, n, v, depth + 1);
        break;
    case K_INTERFACE:
    case K_UNION:
        if (!cJSON_IsObject(v)) {
            dproblem(c, "expected an object %s, found %s", type->name, found);
            break;
        }
        validate_object(c, type, runtime_of(c, type, v), nodes, n, v, depth + 1);
        break;
    case K_INPUT:
        break;
    }
}

/* Check a "data" object against the operation's selection set. */
static void check_data(struct vctx *c, const cJSON *data)
{
    const struct gql_type *root = c->s->roots[c->q->op];
    struct selection top;
    const struct selection *nodes[1];
    char found[96];

    path_reset(c, c->data_label);
    if (root == NULL)
        return; /* reported by check_query */
    if (!cJSON_IsObject(data)) {
        dproblem(c, "expected an object, found %s", describe_json(data, found, sizeof(found)));
        return;
    }
    memset(&top, 0, sizeof(top));
    top.set = c->q->set;
    nodes[0] = &top;
    validate_object(c, root, root, nodes, 1, data, 0);
}

size_t gql_validate(const struct gql_schema *schema, const struct gql_query *query,
                    const cJSON *data, const struct gql_report *report)
{
    const char *qlabel = "query";
    const char *data_label = "data";
    struct vctx c;
    size_t problems;

    if (report != NULL && report->query_label != NULL)
        qlabel = report->query_label;
    if (report != NULL && report->data_path != NULL)
        data_label = report->data_path;
    vctx_init(&c, schema, report, qlabel, data_label);
    if (schema == NULL || query == NULL) {
        aproblem(&c, qlabel, "bad argument: no %s", schema == NULL ? "schema" : "query");
        return c.problems;
    }
    if (vctx_set_query(&c, query)) {
        check_query(&c);
        if (data != NULL)
            check_data(&c, data);
    }
    problems = c.problems;
    vctx_finish(&c);
    return problems;
}

/* Check a JSON input value (a fixture variable) against an input type. */
static void check_input_json(struct vctx *c, const struct tref *t, const cJSON *v, unsigned depth)
{
    char want[TYPE_TEXT_SIZE];
    char found[96];
    char values[TYPE_TEXT_SIZE];
    const struct gql_type *type;
    const struct input_def *d;
    const cJSON *m;
    size_t i = 0;

    if (!step(c))
        return;
    if (depth > GQL_MAX_DEPTH) {
        dproblem(c, "nested deeper than %d levels; not checked", GQL_MAX_DEPTH);
        return;
    }
    if (t->kind == TR_NON_NULL) {
        if (cJSON_IsNull(v)) {
            dproblem(c, "expected %s, found null", type_text(t, want, sizeof(want)));
            return;
        }
        check_input_json(c, t->of, v, depth);
        return;
    }
    if (cJSON_IsNull(v))
        return;
    if (t->kind == TR_LIST) {
        if (!cJSON_IsArray(v)) {
            /* Input coercion takes one value for a list of one. */
            check_input_json(c, t->of, v, depth + 1);
            return;
        }
        for (m = v->child; m != NULL; m = m->next, i++) {
            size_t mark = path_push_index(c, i);

            check_input_json(c, t->of, m, depth + 1);
            path_pop(c, mark);
        }
        return;
    }
    type = schema_type(c->s, t->name);
    if (type == NULL)
        return; /* reported by check_query */
    describe_json(v, found, sizeof(found));
    switch (type->kind) {
    case K_SCALAR:
        if (!json_fits_scalar(type->name, v))
            dproblem(c, "expected %s, found %s", type->name, found);
        break;
    case K_ENUM:
        if (!cJSON_IsString(v) || !has_enum_value(type, v->valuestring))
            dproblem(c, "expected a value of enum %s (%s), found %s", type->name,
                     enum_values_text(type, values, sizeof(values)), found);
        break;
    case K_INPUT:
        if (!cJSON_IsObject(v)) {
            dproblem(c, "expected an input object %s, found %s", type->name, found);
            break;
        }
        for (m = v->child; m != NULL; m = m->next) {
            size_t mark = path_push_key(c, m->string);

            d = find_input(type->inputs.head, m->string);
            if (d == NULL)
                dproblem(c, "input %s has no such field", type->name);
            else
                check_input_json(c, d->type, m, depth + 1);
            path_pop(c, mark);
        }
        for (d = type->inputs.head; d != NULL; d = d->next) {
            if (d->type->kind == TR_NON_NULL && !d->has_default &&
                cJSON_GetObjectItemCaseSensitive(v, d->name) == NULL)
                dproblem(c, "input %s needs field '%s' (%s)", type->name, d->name,
                         type_text(d->type, want, sizeof(want)));
        }
        break;
    case K_OBJECT:
    case K_INTERFACE:
    case K_UNION:
        break; /* reported by check_query */
    }
}

/* Check a fixture's "variables" object against the operation's variables. */
static void check_variables(struct vctx *c, const cJSON *vars)
{
    const cJSON *m;

    for (m = vars->child; m != NULL && !c->stopped; m = m->next) {
        const struct variable *var = find_variable(c->q, m->string, NULL);
        const cJSON *first = cJSON_GetObjectItemCaseSensitive(vars, m->string);

        path_reset(c, "variables");
        path_push_key(c, m->string);
        if (first != m)
            dproblem(c, "duplicate key");
        else if (var == NULL)
            dproblem(c, "the operation %s declares no variable $%s",
                     c->q->name != NULL ? c->q->name : "(anonymous)", m->string);
        else
            check_input_json(c, var->type, m, 0);
    }
    path_reset(c, c->data_label);
}

/* Whether s is a GraphQL name of reasonable length. */
static bool is_operation_name(const char *s)
{
    size_t i;

    if (!is_name_start((unsigned char)s[0]))
        return false;
    for (i = 1; s[i] != '\0'; i++) {
        if (i >= OPERATION_NAME_MAX || !is_name_char((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* Check the envelope's own members; return the operation name to check,
 * or NULL when it is unusable. */
static const char *check_envelope_members(struct vctx *c, const cJSON *envelope)
{
    static const char *const keys[] = {"operation", "variables", "description",
                                       "status",    "headers",   "response"};
    const cJSON *m;
    const cJSON *op;
    const cJSON *item;
    char found[96];
    char path[PATH_SIZE];
    size_t i;

    for (m = envelope->child; m != NULL; m = m->next) {
        bool known = false;

        for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
            if (strcmp(m->string, keys[i]) == 0)
                known = true;
        }
        if (!known)
            aproblem(c, m->string,
                     "unexpected key: an envelope holds operation, variables, description, status, "
                     "headers and response");
        else if (cJSON_GetObjectItemCaseSensitive(envelope, m->string) != m)
            aproblem(c, m->string, "duplicate key");
    }
    item = cJSON_GetObjectItemCaseSensitive(envelope, "description");
    if (item != NULL && !cJSON_IsString(item))
        aproblem(c, "description", "expected a string, found %s",
                 describe_json(item, found, sizeof(found)));
    item = cJSON_GetObjectItemCaseSensitive(envelope, "status");
    if (item != NULL &&
        (!json_is_integral(item) || item->valuedouble < 100 || item->valuedouble > 599))
        aproblem(c, "status", "expected an HTTP status (an integer from 100 to 599), found %s",
                 describe_json(item, found, sizeof(found)));
    item = cJSON_GetObjectItemCaseSensitive(envelope, "headers");
    if (item != NULL && !cJSON_IsObject(item)) {
        aproblem(c, "headers", "expected an object, found %s",
                 describe_json(item, found, sizeof(found)));
    } else if (item != NULL) {
        for (m = item->child; m != NULL; m = m->next) {
            if (cJSON_IsString(m))
                continue;
            snprintf(path, sizeof(path), "headers.%s", m->string);
            aproblem(c, path, "expected a string, found %s",
                     describe_json(m, found, sizeof(found)));
        }
    }
    item = cJSON_GetObjectItemCaseSensitive(envelope, "variables");
    if (item != NULL && !cJSON_IsObject(item))
        aproblem(c, "variables", "expected an object, found %s",
                 describe_json(item, found, sizeof(found)));
    item = cJSON_GetObjectItemCaseSensitive(envelope, "response");
    if (item == NULL)
        aproblem(c, "response", "missing");
    else if (!cJSON_IsObject(item))
        aproblem(c, "response", "expected an object, found %s",
                 describe_json(item, found, sizeof(found)));
    op = cJSON_GetObjectItemCaseSensitive(envelope, "operation");
    if (op == NULL) {
        aproblem(c, "operation", "missing");
        return NULL;
    }
    if (!cJSON_IsString(op)) {
        aproblem(c, "operation", "expected a string, found %s",
                 describe_json(op, found, sizeof(found)));
        return NULL;
    }
    if (!is_operation_name(op->valuestring)) {
        aproblem(c, "operation", "%s is not an operation name",
                 describe_json(op, found, sizeof(found)));
        return NULL;
    }
    return op->valuestring;
}

/* Load queries_dir/<op>.graphql; NULL after reporting why not. */
static struct gql_query *load_operation(struct vctx *c, const char *qpath, const char *op)
{
    struct gql_query *q = NULL;
    char err[GQL_ERROR_SIZE];
    char path[PATH_SIZE];
    enum gql_status rc;
    char *text = NULL;
    size_t len = 0;

    rc = gql_file_read(qpath, GQL_MAX_FILE, &text, &len);
    if (rc != GQL_OK) {
        aproblem(c, "operation", "no query document %s (%s)", qpath,
                 rc == GQL_IO ? strerror(errno) : gql_strerror(rc));
        goto out;
    }
    rc = gql_query_parse(text, len, &q, err, sizeof(err));
    if (rc != GQL_OK) {
        /* err is "line:col: what"; make the path "file:line:col". */
        char *sep = strstr(err, ": ");

        if (sep != NULL) {
            struct sbuf sb;

            *sep = '\0';
            sb_init(&sb, path, sizeof(path));
            sb_puts(&sb, qpath);
            sb_puts(&sb, ":");
            sb_puts(&sb, err);
            aproblem(c, path, "%s", sep + 2);
        } else {
            aproblem(c, qpath, "%s", err);
        }
        goto out;
    }
    if (q->name == NULL || strcmp(q->name, op) != 0) {
        aproblem(c, "operation", "%s declares operation %s, not %s", qpath,
                 q->name != NULL ? q->name : "(anonymous)", op);
    }
out:
    free(text);
    return q;
}

/* Check the response member: data, or errors for a variant fixture. */
static void check_response(struct vctx *c, const cJSON *response, bool is_default)
{
    const cJSON *m;
    const cJSON *errors;
    const cJSON *data;
    char found[96];
    char path[PATH_SIZE];
    int i = 0;

    for (m = response->child; m != NULL; m = m->next) {
        snprintf(path, sizeof(path), "response.%s", m->string);
        if (strcmp(m->string, "data") != 0 && strcmp(m->string, "errors") != 0 &&
            strcmp(m->string, "extensions") != 0)
            aproblem(c, path,
                     "unexpected key: a GraphQL response holds data, errors and extensions");
        else if (cJSON_GetObjectItemCaseSensitive(response, m->string) != m)
            aproblem(c, path, "duplicate key");
    }
    errors = cJSON_GetObjectItemCaseSensitive(response, "errors");
    data = cJSON_GetObjectItemCaseSensitive(response, "data");
    if (errors != NULL) {
        if (!cJSON_IsArray(errors) || errors->child == NULL) {
            aproblem(c, "response.errors", "expected a non-empty list of errors, found %s",
                     describe_json(errors, found, sizeof(found)));
        } else {
            for (m = errors->child; m != NULL; m = m->next, i++) {
                const cJSON *msg = cJSON_GetObjectItemCaseSensitive(m, "message");

                if (cJSON_IsObject(m) && cJSON_IsString(msg))
                    continue;
                snprintf(path, sizeof(path), "response.errors[%d]", i);
                aproblem(c, path, "expected an error object with a string message, found %s",
                         describe_json(m, found, sizeof(found)));
            }
        }
        if (is_default)
            aproblem(c, "response.errors",
                     "a default fixture (no variables) must answer with data, not errors");
        if (data == NULL || cJSON_IsNull(data))
            return;
    } else if (data == NULL) {
        aproblem(c, "response.data", "missing (and no errors)");
        return;
    }
    if (c->q != NULL)
        check_data(c, data);
    else if (!cJSON_IsObject(data))
        aproblem(c, "response.data", "expected an object, found %s",
                 describe_json(data, found, sizeof(found)));
}

size_t gql_check_envelope(const struct gql_schema *schema, const char *queries_dir,
                          const cJSON *envelope, const struct gql_report *report)
{
    struct gql_query *q = NULL;
    const cJSON *vars;
    const cJSON *response;
    const char *op;
    char qpath[PATH_SIZE];
    char found[96];
    struct vctx c;
    size_t problems;
    int n;

    qpath[0] = '\0';
    vctx_init(&c, schema, report, qpath, "response.data");
    if (schema == NULL || queries_dir == NULL || envelope == NULL) {
        aproblem(&c, "$", "bad argument: no %s",
                 schema == NULL        ? "schema"
                 : queries_dir == NULL ? "queries directory"
                                       : "envelope");
        goto out;
    }
    if (!cJSON_IsObject(envelope)) {
        aproblem(&c, "$", "expected an object (a fixture envelope), found %s",
                 describe_json(envelope, found, sizeof(found)));
        goto out;
    }
    op = check_envelope_members(&c, envelope);
    vars = cJSON_GetObjectItemCaseSensitive(envelope, "variables");
    if (!cJSON_IsObject(vars))
        vars = NULL;
    response = cJSON_GetObjectItemCaseSensitive(envelope, "response");
    if (!cJSON_IsObject(response))
        response = NULL;
    if (op != NULL) {
        n = snprintf(qpath, sizeof(qpath), "%s/%s.graphql", queries_dir, op);
        if (n < 0 || (size_t)n >= sizeof(qpath))
            aproblem(&c, "operation", "query path too long");
        else
            q = load_operation(&c, qpath, op);
    }
    if (q != NULL) {
        if (!vctx_set_query(&c, q))
            goto out;
        check_query(&c);
        if (vars != NULL) {
            check_variables(&c, vars);
            c.vars = vars;
        }
    }
    if (response != NULL)
        check_response(&c, response,
                       cJSON_GetObjectItemCaseSensitive(envelope, "variables") == NULL);
out:
    problems = c.problems;
    vctx_finish(&c);
    gql_query_destroy(q);
    return problems;
}

size_t gql_check_fixture(const struct gql_schema *schema, const char *queries_dir,
                         const char *fixture_path, const struct gql_report *report)
{
    enum gql_status rc;
    const char *end = NULL;
    cJSON *json = NULL;
    char *text = NULL;
    size_t problems = 0;
    size_t len = 0;

    if (fixture_path == NULL) {
        emit(report, &problems, "$", "bad argument: no fixture path");
        return problems;
    }
    rc = gql_file_read(fixture_path, GQL_MAX_FILE, &text, &len);
    if (rc != GQL_OK) {
        emit(report, &problems, "$", "cannot read the fixture: %s",
             rc == GQL_IO ? strerror(errno) : gql_strerror(rc));
        goto out;
    }
    if (memchr(text, '\0', len) != NULL) {
        emit(report, &problems, "$", "not JSON: it holds a NUL byte");
        goto out;
    }
    json = cJSON_ParseWithOpts(text, &end, 1);
    if (json == NULL) {
        unsigned line = 1;
        unsigned col = 1;
        const char *p;

        if (end == NULL || end < text || end > text + len)
            end = text;
        for (p = text; p < end; p++) {
            if (*p == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        emit(report, &problems, "$", "not valid JSON (at %u:%u)", line, col);
        goto out;
    }
    problems = gql_check_envelope(schema, queries_dir, json, report);
out:
    cJSON_Delete(json);
    free(text);
    return problems;
}
