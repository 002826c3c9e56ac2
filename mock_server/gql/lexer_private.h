/* The GraphQL lexer (October 2021 spec), with graphql-js 16's error wording. */
#ifndef GQL_LEXER_PRIVATE_H
#define GQL_LEXER_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena_private.h"

enum gql_tok {
    GQL_TOK_SOF,
    GQL_TOK_EOF,
    GQL_TOK_BANG,
    GQL_TOK_DOLLAR,
    GQL_TOK_AMP,
    GQL_TOK_PAREN_L,
    GQL_TOK_PAREN_R,
    GQL_TOK_SPREAD,
    GQL_TOK_COLON,
    GQL_TOK_EQUALS,
    GQL_TOK_AT,
    GQL_TOK_BRACKET_L,
    GQL_TOK_BRACKET_R,
    GQL_TOK_BRACE_L,
    GQL_TOK_PIPE,
    GQL_TOK_BRACE_R,
    GQL_TOK_NAME,
    GQL_TOK_INT,
    GQL_TOK_FLOAT,
    GQL_TOK_STRING,
    GQL_TOK_BLOCK_STRING,
};

struct gql_token {
    enum gql_tok kind;
    uint32_t start; /* byte offsets into the source */
    uint32_t end;
    const char *value; /* names and numbers: the raw text; strings: the decoded value
                          (arena, NUL-terminated); NULL for punctuators */
    size_t value_len;
    uint32_t comment_start; /* the '#' comments right before the token, or equal offsets */
    uint32_t comment_end;
};

struct gql_lexer {
    const char *src;
    size_t len;
    struct gql_arena *arena;
    struct gql_token token; /* the current token */
    struct gql_token last;  /* the previous one */
    uint32_t pos;           /* where the next token starts looking */
    /* The first error: message (without "Syntax Error: ") and where. */
    bool failed;
    uint32_t err_off;
    char err[256];
};

/* Start lexing src[0..len) (token: SOF). */
void gql_lexer_init(struct gql_lexer *lx, const char *src, size_t len, struct gql_arena *arena);
/* Move to the next token; false on a lexical error (lx->err) or no memory. */
bool gql_lexer_advance(struct gql_lexer *lx);
/* The token after the current one, without moving (false on error). */
bool gql_lexer_lookahead(struct gql_lexer *lx, struct gql_token *out);
/* Describe a token kind as graphql-js does: "Name", "<EOF>", "\"{\"". */
const char *gql_tok_kind_desc(enum gql_tok kind, char *buf, size_t size);
/* Describe a token: kind, then " \"value\"" when it has one. */
void gql_tok_desc(const struct gql_token *tok, char *out, size_t size);
/* Line and column (1-based; columns count UTF-16 code units, as graphql-js). */
void gql_source_location(const char *src, size_t len, uint32_t offset, uint32_t *line,
                         uint32_t *column);

#endif
