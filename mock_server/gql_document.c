#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "gql_document_private.h"

enum token_kind { TOK_END, TOK_NAME, TOK_PUNCT, TOK_OTHER, TOK_ERROR };

struct lexer {
    const char *p;
    const char *end;
    const char *start; /* of the document, for line:column */
    const char *tok;   /* current token text */
    size_t tok_len;
    const char *error;
};

static void position_of(const struct lexer *lx, const char *at, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (const char *c = lx->start; c < at && c < lx->end; c++) {
        if (*c == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static bool is_name_start(char c)
{
    return c == '_' || isalpha((unsigned char)c);
}

static bool is_name_char(char c)
{
    return c == '_' || isalnum((unsigned char)c);
}

/* Skips white space, commas (insignificant in GraphQL), the BOM and comments. */
static void skip_ignored(struct lexer *lx)
{
    while (lx->p < lx->end) {
        unsigned char c = (unsigned char)*lx->p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
            lx->p++;
        } else if (c == 0xEF && lx->end - lx->p >= 3 && (unsigned char)lx->p[1] == 0xBB &&
                   (unsigned char)lx->p[2] == 0xBF) {
            lx->p += 3;
        } else if (c == '#') {
            while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '\r')
                lx->p++;
        } else {
            return;
        }
    }
}

static enum token_kind lex_string(struct lexer *lx)
{
    bool block = lx->end - lx->p >= 3 && strncmp(lx->p, "\"\"\"", 3) == 0;
    lx->p += block ? 3 : 1;
    while (lx->p < lx->end) {
        if (block) {
            if (lx->end - lx->p >= 4 && strncmp(lx->p, "\\\"\"\"", 4) == 0) {
                lx->p += 4;
                continue;
            }
            if (lx->end - lx->p >= 3 && strncmp(lx->p, "\"\"\"", 3) == 0) {
                lx->p += 3;
                return TOK_OTHER;
            }
            lx->p++;
            continue;
        }
        char c = *lx->p;
        if (c == '\n' || c == '\r')
            break;
        if (c == '\\' && lx->p + 1 < lx->end) {
            lx->p += 2;
            continue;
        }
        lx->p++;
        if (c == '"')
            return TOK_OTHER;
    }
    lx->error = "unterminated string";
    return TOK_ERROR;
}

static enum token_kind next_token(struct lexer *lx)
{
    skip_ignored(lx);
    lx->tok = lx->p;
    lx->tok_len = 0;
    if (lx->p >= lx->end)
        return TOK_END;
    char c = *lx->p;
    enum token_kind kind;
    if (is_name_start(c)) {
        while (lx->p < lx->end && is_name_char(*lx->p))
            lx->p++;
        kind = TOK_NAME;
    } else if (c == '"') {
        kind = lex_string(lx);
    } else if (c == '-' || isdigit((unsigned char)c)) {
        lx->p++;
        while (lx->p < lx->end &&
               (isalnum((unsigned char)*lx->p) || *lx->p == '.' || *lx->p == '+' || *lx->p == '-'))
            lx->p++;
        kind = TOK_OTHER;
    } else if (c == '.' && lx->end - lx->p >= 3 && strncmp(lx->p, "...", 3) == 0) {
        lx->p += 3;
        kind = TOK_PUNCT;
    } else if (strchr("!$&()[]{}:=@|", c) != NULL) {
        lx->p++;
        kind = TOK_PUNCT;
    } else {
        lx->error = "unexpected character";
        return TOK_ERROR;
    }
    lx->tok_len = (size_t)(lx->p - lx->tok);
    return kind;
}

static bool token_is(const struct lexer *lx, const char *word)
{
    return lx->tok_len == strlen(word) && strncmp(lx->tok, word, lx->tok_len) == 0;
}

static void describe(const struct lexer *lx, const char *at, const char *what, char *why,
                     size_t why_size)
{
    if (why == NULL || why_size == 0)
        return;
    unsigned line, col;
    position_of(lx, at, &line, &col);
    snprintf(why, why_size, "%s at line %u, column %u", what, line, col);
}

enum esomock_gql_find esomock__gql_choose_operation(const char *doc, size_t len, const char *wanted,
                                                    char *name, char *why, size_t why_size)
{
    struct lexer lx = {.p = doc, .end = doc + len, .start = doc};
    int depth = 0;
    bool saw_operation = false;
    bool in_header = false; /* between a definition's keyword and its selection set */
    const char *first_name = NULL;
    size_t first_len = 0;
    const char *found = NULL;
    size_t found_len = 0;

    /* A definition starts at depth 0 with a keyword, or with `{` for the shorthand query. */
    for (;;) {
        enum token_kind kind = next_token(&lx);
        if (kind == TOK_END)
            break;
        if (kind == TOK_ERROR) {
            describe(&lx, lx.tok, lx.error, why, why_size);
            return ESOMOCK_GQL_SYNTAX;
        }
        if (kind == TOK_PUNCT && (*lx.tok == '{' || *lx.tok == '(' || *lx.tok == '[')) {
            /* A `{` that opens a definition with no keyword before it is the query shorthand. */
            if (depth == 0 && *lx.tok == '{' && !in_header)
                saw_operation = true;
            if (depth == 0 && *lx.tok == '{')
                in_header = false;
            depth++;
            continue;
        }
        if (kind == TOK_PUNCT && (*lx.tok == '}' || *lx.tok == ')' || *lx.tok == ']')) {
            if (--depth < 0) {
                describe(&lx, lx.tok, "unbalanced closing bracket", why, why_size);
                return ESOMOCK_GQL_SYNTAX;
            }
            continue;
        }
        if (depth != 0 || kind != TOK_NAME)
            continue;
        if (token_is(&lx, "fragment")) {
            in_header = true;
            continue;
        }
        if (!token_is(&lx, "query") && !token_is(&lx, "mutation") && !token_is(&lx, "subscription"))
            continue;
        saw_operation = true;
        in_header = true;
        const char *after_keyword = lx.p;
        enum token_kind next = next_token(&lx);
        if (next != TOK_NAME) {
            lx.p = after_keyword; /* let the loop see the `{` or `(` */
            continue;
        }
        if (first_name == NULL) {
            first_name = lx.tok;
            first_len = lx.tok_len;
        }
        if (wanted != NULL && found == NULL && token_is(&lx, wanted)) {
            found = lx.tok;
            found_len = lx.tok_len;
        }
    }
    if (depth != 0) {
        describe(&lx, lx.end, "unbalanced brackets at end of document", why, why_size);
        return ESOMOCK_GQL_SYNTAX;
    }
    if (!saw_operation) {
        if (why != NULL && why_size > 0)
            snprintf(why, why_size, "the document defines no operation");
        return ESOMOCK_GQL_NO_OPERATION;
    }
    if (wanted == NULL) {
        found = first_name;
        found_len = first_len;
    }
    if (found == NULL) {
        if (why != NULL && why_size > 0) {
            if (wanted != NULL)
                snprintf(why, why_size, "Unknown operation named \"%.*s\"", ESOMOCK_OPNAME_MAX,
                         wanted);
            else
                snprintf(why, why_size,
                         "the document has only anonymous operations "
                         "and the request gives no operationName");
        }
        return wanted != NULL ? ESOMOCK_GQL_UNKNOWN_NAME : ESOMOCK_GQL_ANONYMOUS;
    }
    if (found_len > ESOMOCK_OPNAME_MAX) {
        if (why != NULL && why_size > 0)
            snprintf(why, why_size, "operation name longer than %d characters", ESOMOCK_OPNAME_MAX);
        return ESOMOCK_GQL_NAME_TOO_LONG;
    }
    memcpy(name, found, found_len);
    name[found_len] = '\0';
    return ESOMOCK_GQL_FOUND;
}
