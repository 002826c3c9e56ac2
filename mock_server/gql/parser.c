/*
 * The parser: graphql-js 16's parser.ts, function for function, so that errors
 * match ("Syntax Error: Expected Name, found <EOF>."). Type-system definitions
 * are parsed too: eso-mock's schema is SDL, and graphql-js parses them in
 * queries as well (the validator then reports them as not executable).
 * Nesting is bounded by GQL_MAX_DEPTH: no unbounded recursion.
 */
#include <stdio.h>
#include <string.h>

#include "gql.h"
#include "lexer_private.h"
#include "parser_private.h"
#include "print_private.h"

struct parser {
    struct gql_lexer lx;
    struct gql_arena *arena;
    struct gql_parse_error *err;
    size_t max_tokens;
    size_t ntokens;
    unsigned depth;
    bool failed;
};

const char *gql_op_name(enum gql_op op)
{
    switch (op) {
    case GQL_OP_QUERY:
        return "query";
    case GQL_OP_MUTATION:
        return "mutation";
    case GQL_OP_SUBSCRIPTION:
        return "subscription";
    }
    return "query";
}

static void error_at(struct parser *p, uint32_t off, const char *msg)
{
    if (p->failed)
        return;
    p->failed = true;
    p->err->off = off;
    gql_concat(p->err->message, sizeof(p->err->message), "Syntax Error: ", msg, NULL);
}

static void no_memory(struct parser *p)
{
    if (!p->failed)
        p->err->no_memory = true;
    error_at(p, p->lx.token.start, "Out of memory.");
}

static void *alloc(struct parser *p, size_t size)
{
    void *m = gql_arena_alloc(p->arena, size);

    if (m == NULL)
        no_memory(p);
    return m;
}

static bool advance(struct parser *p)
{
    if (p->failed)
        return false;
    if (!gql_lexer_advance(&p->lx)) {
        error_at(p, p->lx.err_off, p->lx.err);
        return false;
    }
    if (p->max_tokens != 0 && p->lx.token.kind != GQL_TOK_EOF) {
        if (++p->ntokens > p->max_tokens) {
            char msg[96];

            snprintf(msg, sizeof(msg), "Document contains more than %zu tokens. Parsing aborted.",
                     p->max_tokens);
            p->err->too_big = true;
            error_at(p, p->lx.token.start, msg);
            return false;
        }
    } else if (p->lx.token.kind != GQL_TOK_EOF) {
        p->ntokens++;
    }
    return true;
}

static bool peek(const struct parser *p, enum gql_tok kind)
{
    return p->lx.token.kind == kind;
}

static bool is_keyword(const struct gql_token *t, const char *word)
{
    size_t n = strlen(word);

    return t->kind == GQL_TOK_NAME && t->value_len == n && memcmp(t->value, word, n) == 0;
}

static bool unexpected(struct parser *p, const struct gql_token *t)
{
    char desc[256];
    char msg[300];

    if (t == NULL)
        t = &p->lx.token;
    gql_tok_desc(t, desc, sizeof(desc));
    snprintf(msg, sizeof(msg), "Unexpected %s.", desc);
    error_at(p, t->start, msg);
    return false;
}

static bool expect_token(struct parser *p, enum gql_tok kind)
{
    char want[32];
    char desc[256];
    char msg[320];

    if (p->failed)
        return false;
    if (p->lx.token.kind == kind)
        return advance(p);
    gql_tok_kind_desc(kind, want, sizeof(want));
    gql_tok_desc(&p->lx.token, desc, sizeof(desc));
    snprintf(msg, sizeof(msg), "Expected %s, found %s.", want, desc);
    error_at(p, p->lx.token.start, msg);
    return false;
}

/* true when the token was there (and consumed); on an error p->failed is set. */
static bool expect_optional(struct parser *p, enum gql_tok kind)
{
    if (p->failed || p->lx.token.kind != kind)
        return false;
    return advance(p);
}

static bool expect_keyword(struct parser *p, const char *word)
{
    char desc[256];
    char msg[320];

    if (p->failed)
        return false;
    if (is_keyword(&p->lx.token, word))
        return advance(p);
    gql_tok_desc(&p->lx.token, desc, sizeof(desc));
    snprintf(msg, sizeof(msg), "Expected \"%s\", found %s.", word, desc);
    error_at(p, p->lx.token.start, msg);
    return false;
}

static bool expect_optional_keyword(struct parser *p, const char *word)
{
    if (p->failed || !is_keyword(&p->lx.token, word))
        return false;
    return advance(p);
}

static bool enter(struct parser *p)
{
    if (++p->depth > GQL_MAX_DEPTH) {
        char msg[96];

        snprintf(msg, sizeof(msg), "Document nested deeper than %u levels. Parsing aborted.",
                 GQL_MAX_DEPTH);
        p->err->too_big = true;
        error_at(p, p->lx.token.start, msg);
        return false;
    }
    return true;
}

static void leave(struct parser *p)
{
    p->depth--;
}

static bool parse_name(struct parser *p, struct gql_name *out)
{
    struct gql_token t = p->lx.token;

    if (!expect_token(p, GQL_TOK_NAME))
        return false;
    out->value = gql_arena_strndup(p->arena, t.value, t.value_len);
    out->off = t.start;
    if (out->value == NULL) {
        no_memory(p);
        return false;
    }
    return true;
}

static struct gql_ast_value *parse_value(struct parser *p, bool is_const);

static struct gql_ast_value *parse_variable_value(struct parser *p)
{
    struct gql_ast_value *v = alloc(p, sizeof(*v));
    struct gql_name name;

    if (v == NULL)
        return NULL;
    v->kind = GQL_AV_VARIABLE;
    v->off = p->lx.token.start;
    if (!expect_token(p, GQL_TOK_DOLLAR) || !parse_name(p, &name))
        return NULL;
    v->str = name.value;
    v->len = strlen(name.value);
    return v;
}

static struct gql_ast_value *parse_value(struct parser *p, bool is_const)
{
    struct gql_token t = p->lx.token;
    struct gql_ast_value *v;

    if (p->failed)
        return NULL;
    switch (t.kind) {
    case GQL_TOK_BRACKET_L: {
        struct gql_ast_value **tail;

        if (!enter(p))
            return NULL;
        v = alloc(p, sizeof(*v));
        if (v == NULL || !expect_token(p, GQL_TOK_BRACKET_L))
            return NULL;
        v->kind = GQL_AV_LIST;
        v->off = t.start;
        tail = &v->items;
        while (!expect_optional(p, GQL_TOK_BRACKET_R)) {
            struct gql_ast_value *item;

            if (p->failed)
                return NULL;
            item = parse_value(p, is_const);
            if (item == NULL)
                return NULL;
            *tail = item;
            tail = &item->next;
        }
        leave(p);
        return p->failed ? NULL : v;
    }
    case GQL_TOK_BRACE_L: {
        struct gql_ast_object_field **tail;

        if (!enter(p))
            return NULL;
        v = alloc(p, sizeof(*v));
        if (v == NULL || !expect_token(p, GQL_TOK_BRACE_L))
            return NULL;
        v->kind = GQL_AV_OBJECT;
        v->off = t.start;
        tail = &v->fields;
        while (!expect_optional(p, GQL_TOK_BRACE_R)) {
            struct gql_ast_object_field *f;

            if (p->failed)
                return NULL;
            f = alloc(p, sizeof(*f));
            if (f == NULL)
                return NULL;
            f->off = p->lx.token.start;
            if (!parse_name(p, &f->name) || !expect_token(p, GQL_TOK_COLON))
                return NULL;
            f->value = parse_value(p, is_const);
            if (f->value == NULL)
                return NULL;
            *tail = f;
            tail = &f->next;
        }
        leave(p);
        return p->failed ? NULL : v;
    }
    case GQL_TOK_INT:
    case GQL_TOK_FLOAT:
    case GQL_TOK_STRING:
    case GQL_TOK_BLOCK_STRING:
    case GQL_TOK_NAME:
        v = alloc(p, sizeof(*v));
        if (v == NULL)
            return NULL;
        v->off = t.start;
        v->len = t.value_len;
        if (t.kind == GQL_TOK_STRING || t.kind == GQL_TOK_BLOCK_STRING) {
            v->kind = GQL_AV_STRING;
            v->str = t.value; /* already in the arena */
            v->block = t.kind == GQL_TOK_BLOCK_STRING;
        } else {
            v->str = gql_arena_strndup(p->arena, t.value, t.value_len);
            if (v->str == NULL) {
                no_memory(p);
                return NULL;
            }
            if (t.kind == GQL_TOK_INT)
                v->kind = GQL_AV_INT;
            else if (t.kind == GQL_TOK_FLOAT)
                v->kind = GQL_AV_FLOAT;
            else if (is_keyword(&t, "true") || is_keyword(&t, "false"))
                v->kind = GQL_AV_BOOLEAN, v->boolean = is_keyword(&t, "true");
            else if (is_keyword(&t, "null"))
                v->kind = GQL_AV_NULL;
            else
                v->kind = GQL_AV_ENUM;
        }
        if (!advance(p))
            return NULL;
        return v;
    case GQL_TOK_DOLLAR:
        if (is_const) {
            if (!expect_token(p, GQL_TOK_DOLLAR))
                return NULL;
            if (p->lx.token.kind == GQL_TOK_NAME) {
                char msg[300];

                snprintf(msg, sizeof(msg), "Unexpected variable \"$%.*s\" in constant value.",
                         (int)(p->lx.token.value_len < 200 ? p->lx.token.value_len : 200),
                         p->lx.token.value);
                error_at(p, t.start, msg);
                return NULL;
            }
            unexpected(p, &t);
            return NULL;
        }
        return parse_variable_value(p);
    default:
        unexpected(p, NULL);
        return NULL;
    }
}

static struct gql_ast_argument *parse_arguments(struct parser *p, bool is_const)
{
    struct gql_ast_argument *first = NULL;
    struct gql_ast_argument **tail = &first;

    if (!expect_optional(p, GQL_TOK_PAREN_L))
        return NULL;
    do {
        struct gql_ast_argument *a = alloc(p, sizeof(*a));

        if (a == NULL)
            return NULL;
        a->off = p->lx.token.start;
        if (!parse_name(p, &a->name) || !expect_token(p, GQL_TOK_COLON))
            return NULL;
        a->value = parse_value(p, is_const);
        if (a->value == NULL)
            return NULL;
        *tail = a;
        tail = &a->next;
    } while (!expect_optional(p, GQL_TOK_PAREN_R) && !p->failed);
    return first;
}

static struct gql_ast_directive *parse_directives(struct parser *p, bool is_const)
{
    struct gql_ast_directive *first = NULL;
    struct gql_ast_directive **tail = &first;

    while (!p->failed && peek(p, GQL_TOK_AT)) {
        struct gql_ast_directive *d = alloc(p, sizeof(*d));

        if (d == NULL)
            return NULL;
        d->off = p->lx.token.start;
        if (!expect_token(p, GQL_TOK_AT) || !parse_name(p, &d->name))
            return NULL;
        d->args = parse_arguments(p, is_const);
        *tail = d;
        tail = &d->next;
    }
    return first;
}

static struct gql_ast_type *parse_named_type(struct parser *p)
{
    struct gql_ast_type *t = alloc(p, sizeof(*t));

    if (t == NULL)
        return NULL;
    t->kind = GQL_AT_NAMED;
    t->off = p->lx.token.start;
    if (!parse_name(p, &t->name))
        return NULL;
    return t;
}

static struct gql_ast_type *parse_type_ref(struct parser *p)
{
    uint32_t start = p->lx.token.start;
    struct gql_ast_type *t;

    if (!enter(p))
        return NULL;
    if (expect_optional(p, GQL_TOK_BRACKET_L)) {
        struct gql_ast_type *inner = parse_type_ref(p);

        if (inner == NULL || !expect_token(p, GQL_TOK_BRACKET_R))
            return NULL;
        t = alloc(p, sizeof(*t));
        if (t == NULL)
            return NULL;
        t->kind = GQL_AT_LIST;
        t->off = start;
        t->of = inner;
    } else {
        if (p->failed)
            return NULL;
        t = parse_named_type(p);
        if (t == NULL)
            return NULL;
    }
    if (expect_optional(p, GQL_TOK_BANG)) {
        struct gql_ast_type *nn = alloc(p, sizeof(*nn));

        if (nn == NULL)
            return NULL;
        nn->kind = GQL_AT_NON_NULL;
        nn->off = start;
        nn->of = t;
        t = nn;
    }
    leave(p);
    return p->failed ? NULL : t;
}

static struct gql_ast_selection_set *parse_selection_set(struct parser *p);

static struct gql_ast_selection *parse_selection(struct parser *p)
{
    struct gql_ast_selection *s = alloc(p, sizeof(*s));

    if (s == NULL)
        return NULL;
    s->off = p->lx.token.start;
    if (peek(p, GQL_TOK_SPREAD)) {
        bool has_cond;

        if (!advance(p))
            return NULL;
        has_cond = expect_optional_keyword(p, "on");
        if (p->failed)
            return NULL;
        if (!has_cond && peek(p, GQL_TOK_NAME)) {
            s->kind = GQL_SEL_SPREAD;
            if (is_keyword(&p->lx.token, "on")) {
                unexpected(p, NULL);
                return NULL;
            }
            if (!parse_name(p, &s->name))
                return NULL;
            s->directives = parse_directives(p, false);
            return p->failed ? NULL : s;
        }
        s->kind = GQL_SEL_INLINE;
        if (has_cond) {
            s->type_cond = parse_named_type(p);
            if (s->type_cond == NULL)
                return NULL;
        }
        s->directives = parse_directives(p, false);
        if (p->failed)
            return NULL;
        s->sel = parse_selection_set(p);
        return s->sel == NULL ? NULL : s;
    }
    s->kind = GQL_SEL_FIELD;
    if (!parse_name(p, &s->name))
        return NULL;
    if (expect_optional(p, GQL_TOK_COLON)) {
        s->alias = s->name;
        if (!parse_name(p, &s->name))
            return NULL;
    }
    if (p->failed)
        return NULL;
    s->args = parse_arguments(p, false);
    if (p->failed)
        return NULL;
    s->directives = parse_directives(p, false);
    if (p->failed)
        return NULL;
    if (peek(p, GQL_TOK_BRACE_L)) {
        s->sel = parse_selection_set(p);
        if (s->sel == NULL)
            return NULL;
    }
    return s;
}

static struct gql_ast_selection_set *parse_selection_set(struct parser *p)
{
    struct gql_ast_selection_set *set;
    struct gql_ast_selection **tail;

    if (!enter(p))
        return NULL;
    set = alloc(p, sizeof(*set));
    if (set == NULL)
        return NULL;
    set->off = p->lx.token.start;
    if (!expect_token(p, GQL_TOK_BRACE_L))
        return NULL;
    tail = &set->first;
    do {
        struct gql_ast_selection *s = parse_selection(p);

        if (s == NULL)
            return NULL;
        *tail = s;
        tail = &s->next;
    } while (!expect_optional(p, GQL_TOK_BRACE_R) && !p->failed);
    leave(p);
    return p->failed ? NULL : set;
}

static bool parse_operation_type(struct parser *p, enum gql_op *op)
{
    struct gql_token t = p->lx.token;

    if (!expect_token(p, GQL_TOK_NAME))
        return false;
    if (is_keyword(&t, "query"))
        *op = GQL_OP_QUERY;
    else if (is_keyword(&t, "mutation"))
        *op = GQL_OP_MUTATION;
    else if (is_keyword(&t, "subscription"))
        *op = GQL_OP_SUBSCRIPTION;
    else
        return unexpected(p, &t);
    return true;
}

static bool parse_operation(struct parser *p, struct gql_ast_definition *d)
{
    struct gql_ast_var_def **tail = &d->vars;

    d->kind = GQL_DEF_OPERATION;
    d->off = p->lx.token.start;
    if (peek(p, GQL_TOK_BRACE_L)) {
        d->op = GQL_OP_QUERY;
        d->sel = parse_selection_set(p);
        return d->sel != NULL;
    }
    if (!parse_operation_type(p, &d->op))
        return false;
    if (peek(p, GQL_TOK_NAME) && !parse_name(p, &d->name))
        return false;
    if (expect_optional(p, GQL_TOK_PAREN_L)) {
        do {
            struct gql_ast_var_def *v = alloc(p, sizeof(*v));

            if (v == NULL)
                return false;
            v->off = p->lx.token.start;
            if (!expect_token(p, GQL_TOK_DOLLAR) || !parse_name(p, &v->name))
                return false;
            if (!expect_token(p, GQL_TOK_COLON))
                return false;
            v->type = parse_type_ref(p);
            if (v->type == NULL)
                return false;
            if (expect_optional(p, GQL_TOK_EQUALS)) {
                v->default_value = parse_value(p, true);
                if (v->default_value == NULL)
                    return false;
            }
            if (p->failed)
                return false;
            v->directives = parse_directives(p, true);
            if (p->failed)
                return false;
            *tail = v;
            tail = &v->next;
        } while (!expect_optional(p, GQL_TOK_PAREN_R) && !p->failed);
    }
    if (p->failed)
        return false;
    d->directives = parse_directives(p, false);
    if (p->failed)
        return false;
    d->sel = parse_selection_set(p);
    return d->sel != NULL;
}

static bool parse_fragment_name(struct parser *p, struct gql_name *out)
{
    if (is_keyword(&p->lx.token, "on"))
        return unexpected(p, NULL);
    return parse_name(p, out);
}

static bool parse_fragment(struct parser *p, struct gql_ast_definition *d)
{
    d->kind = GQL_DEF_FRAGMENT;
    d->off = p->lx.token.start;
    if (!expect_keyword(p, "fragment") || !parse_fragment_name(p, &d->name) ||
        !expect_keyword(p, "on"))
        return false;
    d->type_cond = parse_named_type(p);
    if (d->type_cond == NULL)
        return false;
    d->directives = parse_directives(p, false);
    if (p->failed)
        return false;
    d->sel = parse_selection_set(p);
    return d->sel != NULL;
}

/* ---- the type system ---------------------------------------------------- */

static bool peek_description(const struct parser *p)
{
    return peek(p, GQL_TOK_STRING) || peek(p, GQL_TOK_BLOCK_STRING);
}

/* The description (if any) and the comments before the definition's first token. */
static bool parse_description(struct parser *p, const char **desc, struct gql_comment *comment)
{
    comment->start = p->lx.token.comment_start;
    comment->end = p->lx.token.comment_end;
    if (peek_description(p)) {
        *desc = p->lx.token.value;
        return advance(p);
    }
    return true;
}

static struct gql_ast_input_def *parse_input_value_def(struct parser *p)
{
    struct gql_ast_input_def *v = alloc(p, sizeof(*v));

    if (v == NULL || !parse_description(p, &v->description, &v->comment))
        return NULL;
    v->off = p->lx.token.start;
    if (!parse_name(p, &v->name) || !expect_token(p, GQL_TOK_COLON))
        return NULL;
    v->type = parse_type_ref(p);
    if (v->type == NULL)
        return NULL;
    if (expect_optional(p, GQL_TOK_EQUALS)) {
        v->default_value = parse_value(p, true);
        if (v->default_value == NULL)
            return NULL;
    }
    if (p->failed)
        return NULL;
    v->directives = parse_directives(p, true);
    return p->failed ? NULL : v;
}

/* '(' InputValueDefinition+ ')' when open is '(' or '{' ... '}' for input fields. */
static bool parse_input_defs(struct parser *p, enum gql_tok open, enum gql_tok close,
                             struct gql_ast_input_def **out)
{
    struct gql_ast_input_def **tail = out;

    if (!expect_optional(p, open))
        return !p->failed;
    do {
        struct gql_ast_input_def *v = parse_input_value_def(p);

        if (v == NULL)
            return false;
        *tail = v;
        tail = &v->next;
    } while (!expect_optional(p, close) && !p->failed);
    return !p->failed;
}

static bool parse_fields_def(struct parser *p, struct gql_ast_field_def **out)
{
    struct gql_ast_field_def **tail = out;

    if (!expect_optional(p, GQL_TOK_BRACE_L))
        return !p->failed;
    do {
        struct gql_ast_field_def *f = alloc(p, sizeof(*f));

        if (f == NULL || !parse_description(p, &f->description, &f->comment))
            return false;
        f->off = p->lx.token.start;
        if (!parse_name(p, &f->name) ||
            !parse_input_defs(p, GQL_TOK_PAREN_L, GQL_TOK_PAREN_R, &f->args))
            return false;
        if (!expect_token(p, GQL_TOK_COLON))
            return false;
        f->type = parse_type_ref(p);
        if (f->type == NULL)
            return false;
        f->directives = parse_directives(p, true);
        if (p->failed)
            return false;
        *tail = f;
        tail = &f->next;
    } while (!expect_optional(p, GQL_TOK_BRACE_R) && !p->failed);
    return !p->failed;
}

static bool parse_named_list(struct parser *p, enum gql_tok delimiter,
                             struct gql_ast_name_list **out)
{
    struct gql_ast_name_list **tail = out;

    expect_optional(p, delimiter);
    do {
        struct gql_ast_name_list *n;

        if (p->failed)
            return false;
        n = alloc(p, sizeof(*n));
        if (n == NULL)
            return false;
        n->off = p->lx.token.start;
        if (!parse_name(p, &n->name))
            return false;
        *tail = n;
        tail = &n->next;
    } while (expect_optional(p, delimiter));
    return !p->failed;
}

static bool parse_enum_values(struct parser *p, struct gql_ast_enum_def **out)
{
    struct gql_ast_enum_def **tail = out;

    if (!expect_optional(p, GQL_TOK_BRACE_L))
        return !p->failed;
    do {
        struct gql_ast_enum_def *e = alloc(p, sizeof(*e));

        if (e == NULL || !parse_description(p, &e->description, &e->comment))
            return false;
        e->off = p->lx.token.start;
        if (is_keyword(&p->lx.token, "true") || is_keyword(&p->lx.token, "false") ||
            is_keyword(&p->lx.token, "null")) {
            char desc[256];
            char msg[320];

            gql_tok_desc(&p->lx.token, desc, sizeof(desc));
            snprintf(msg, sizeof(msg), "%s is reserved and cannot be used for an enum value.",
                     desc);
            error_at(p, p->lx.token.start, msg);
            return false;
        }
        if (!parse_name(p, &e->name))
            return false;
        e->directives = parse_directives(p, true);
        if (p->failed)
            return false;
        *tail = e;
        tail = &e->next;
    } while (!expect_optional(p, GQL_TOK_BRACE_R) && !p->failed);
    return !p->failed;
}

static bool parse_root_types(struct parser *p, bool required, struct gql_ast_name_list **out)
{
    struct gql_ast_name_list **tail = out;

    if (required) {
        if (!expect_token(p, GQL_TOK_BRACE_L))
            return false;
    } else if (!expect_optional(p, GQL_TOK_BRACE_L)) {
        return !p->failed;
    }
    do {
        struct gql_ast_name_list *n = alloc(p, sizeof(*n));

        if (n == NULL)
            return false;
        n->off = p->lx.token.start;
        if (!parse_operation_type(p, &n->op) || !expect_token(p, GQL_TOK_COLON) ||
            !parse_name(p, &n->name))
            return false;
        *tail = n;
        tail = &n->next;
    } while (!expect_optional(p, GQL_TOK_BRACE_R) && !p->failed);
    return !p->failed;
}

static const char *const locations[] = {
    "QUERY",
    "MUTATION",
    "SUBSCRIPTION",
    "FIELD",
    "FRAGMENT_DEFINITION",
    "FRAGMENT_SPREAD",
    "INLINE_FRAGMENT",
    "VARIABLE_DEFINITION",
    "SCHEMA",
    "SCALAR",
    "OBJECT",
    "FIELD_DEFINITION",
    "ARGUMENT_DEFINITION",
    "INTERFACE",
    "UNION",
    "ENUM",
    "ENUM_VALUE",
    "INPUT_OBJECT",
    "INPUT_FIELD_DEFINITION",
    NULL,
};

static bool parse_directive_def(struct parser *p, struct gql_ast_definition *d)
{
    struct gql_ast_name_list **tail = &d->names;

    d->kind = GQL_DEF_DIRECTIVE;
    if (!expect_keyword(p, "directive") || !expect_token(p, GQL_TOK_AT) ||
        !parse_name(p, &d->name) ||
        !parse_input_defs(p, GQL_TOK_PAREN_L, GQL_TOK_PAREN_R, &d->inputs))
        return false;
    d->repeatable = expect_optional_keyword(p, "repeatable");
    if (!expect_keyword(p, "on"))
        return false;
    expect_optional(p, GQL_TOK_PIPE);
    do {
        struct gql_token start = p->lx.token;
        struct gql_ast_name_list *n;
        size_t i;
        bool known = false;

        if (p->failed)
            return false;
        n = alloc(p, sizeof(*n));
        if (n == NULL)
            return false;
        n->off = start.start;
        if (!parse_name(p, &n->name))
            return false;
        for (i = 0; locations[i] != NULL; i++)
            known = known || strcmp(locations[i], n->name.value) == 0;
        if (!known)
            return unexpected(p, &start);
        *tail = n;
        tail = &n->next;
    } while (expect_optional(p, GQL_TOK_PIPE));
    return !p->failed;
}

/* The body of a type definition or extension after its keyword and name. */
static bool parse_type_body(struct parser *p, struct gql_ast_definition *d, bool extension)
{
    switch (d->tkind) {
    case GQL_TDEF_SCALAR:
        d->directives = parse_directives(p, true);
        if (extension && !p->failed && d->directives == NULL)
            return unexpected(p, NULL);
        return !p->failed;
    case GQL_TDEF_OBJECT:
    case GQL_TDEF_INTERFACE:
        if (expect_optional_keyword(p, "implements") &&
            !parse_named_list(p, GQL_TOK_AMP, &d->names))
            return false;
        if (p->failed)
            return false;
        d->directives = parse_directives(p, true);
        if (p->failed || !parse_fields_def(p, &d->fields))
            return false;
        if (extension && d->names == NULL && d->directives == NULL && d->fields == NULL)
            return unexpected(p, NULL);
        return true;
    case GQL_TDEF_UNION:
        d->directives = parse_directives(p, true);
        if (p->failed)
            return false;
        if (expect_optional(p, GQL_TOK_EQUALS) && !parse_named_list(p, GQL_TOK_PIPE, &d->names))
            return false;
        if (p->failed)
            return false;
        if (extension && d->names == NULL && d->directives == NULL)
            return unexpected(p, NULL);
        return true;
    case GQL_TDEF_ENUM:
        d->directives = parse_directives(p, true);
        if (p->failed || !parse_enum_values(p, &d->values))
            return false;
        if (extension && d->directives == NULL && d->values == NULL)
            return unexpected(p, NULL);
        return true;
    case GQL_TDEF_INPUT:
        d->directives = parse_directives(p, true);
        if (p->failed || !parse_input_defs(p, GQL_TOK_BRACE_L, GQL_TOK_BRACE_R, &d->inputs))
            return false;
        if (extension && d->directives == NULL && d->inputs == NULL)
            return unexpected(p, NULL);
        return true;
    }
    return false;
}

static bool type_keyword(const struct gql_token *t, enum gql_tdef_kind *kind)
{
    static const char *const words[] = {"scalar", "type", "interface", "union", "enum", "input"};
    size_t i;

    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (is_keyword(t, words[i])) {
            *kind = (enum gql_tdef_kind)i;
            return true;
        }
    }
    return false;
}

static bool parse_extension(struct parser *p, struct gql_ast_definition *d)
{
    struct gql_token kw;

    if (!gql_lexer_lookahead(&p->lx, &kw)) {
        error_at(p, p->lx.err_off, p->lx.err);
        return false;
    }
    if (is_keyword(&kw, "schema")) {
        d->kind = GQL_DEF_SCHEMA_EXT;
        if (!expect_keyword(p, "extend") || !expect_keyword(p, "schema"))
            return false;
        d->directives = parse_directives(p, true);
        if (p->failed || !parse_root_types(p, false, &d->names))
            return false;
        if (d->directives == NULL && d->names == NULL)
            return unexpected(p, NULL);
        return true;
    }
    if (type_keyword(&kw, &d->tkind)) {
        d->kind = GQL_DEF_TYPE_EXT;
        if (!expect_keyword(p, "extend") || !advance(p) || !parse_name(p, &d->name))
            return false;
        return parse_type_body(p, d, true);
    }
    return unexpected(p, &kw);
}

static struct gql_ast_definition *parse_definition(struct parser *p)
{
    struct gql_ast_definition *d = alloc(p, sizeof(*d));
    struct gql_token kw;
    bool has_desc;
    bool ok;

    if (d == NULL)
        return NULL;
    d->off = p->lx.token.start;
    if (peek(p, GQL_TOK_BRACE_L))
        return parse_operation(p, d) ? d : NULL;
    has_desc = peek_description(p);
    if (has_desc) {
        if (!gql_lexer_lookahead(&p->lx, &kw)) {
            error_at(p, p->lx.err_off, p->lx.err);
            return NULL;
        }
    } else {
        kw = p->lx.token;
    }
    if (kw.kind == GQL_TOK_NAME) {
        if (is_keyword(&kw, "schema")) {
            d->kind = GQL_DEF_SCHEMA;
            ok = parse_description(p, &d->description, &d->comment) && expect_keyword(p, "schema");
            if (ok)
                d->directives = parse_directives(p, true);
            ok = ok && !p->failed && parse_root_types(p, true, &d->names);
            return ok ? d : NULL;
        }
        if (type_keyword(&kw, &d->tkind)) {
            d->kind = GQL_DEF_TYPE;
            ok = parse_description(p, &d->description, &d->comment) && advance(p) &&
                 parse_name(p, &d->name) && parse_type_body(p, d, false);
            return ok ? d : NULL;
        }
        if (is_keyword(&kw, "directive")) {
            ok = parse_description(p, &d->description, &d->comment) && parse_directive_def(p, d);
            return ok ? d : NULL;
        }
        if (has_desc) {
            error_at(p, p->lx.token.start,
                     "Unexpected description, descriptions are supported only on type "
                     "definitions.");
            return NULL;
        }
        if (is_keyword(&kw, "query") || is_keyword(&kw, "mutation") ||
            is_keyword(&kw, "subscription"))
            return parse_operation(p, d) ? d : NULL;
        if (is_keyword(&kw, "fragment"))
            return parse_fragment(p, d) ? d : NULL;
        if (is_keyword(&kw, "extend"))
            return parse_extension(p, d) ? d : NULL;
    }
    unexpected(p, &kw);
    return NULL;
}

struct gql_ast_document *gql_parse(struct gql_arena *arena, const char *src, size_t len,
                                   size_t max_tokens, struct gql_parse_error *err)
{
    struct parser p;
    struct gql_ast_document *doc;
    struct gql_ast_definition **tail;
    char *copy;

    memset(&p, 0, sizeof(p));
    memset(err, 0, sizeof(*err));
    p.arena = arena;
    p.err = err;
    p.max_tokens = max_tokens;
    copy = gql_arena_strndup(arena, src, len);
    doc = gql_arena_alloc(arena, sizeof(*doc));
    if (copy == NULL || doc == NULL) {
        err->no_memory = true;
        snprintf(err->message, sizeof(err->message), "Out of memory.");
        return NULL;
    }
    doc->src = copy;
    doc->len = len;
    gql_lexer_init(&p.lx, copy, len, arena);
    tail = &doc->defs;
    if (!advance(&p))
        return NULL;
    do {
        struct gql_ast_definition *d = parse_definition(&p);

        if (d == NULL || p.failed) {
            if (!p.failed)
                no_memory(&p);
            return NULL;
        }
        *tail = d;
        tail = &d->next;
    } while (!expect_optional(&p, GQL_TOK_EOF) && !p.failed);
    if (p.failed)
        return NULL;
    doc->ntokens = p.ntokens;
    return doc;
}
