/* The compiled-in query documents (generated table) and variable typing. */
#ifndef ESOLOGS_REGISTRY_PRIVATE_H
#define ESOLOGS_REGISTRY_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

struct eso__operation {
    const char *name;
    const char *document;      /* NULL when the .graphql file was missing at build time */
    const char *document_json; /* the document as a JSON string, quotes included */
};

extern const struct eso__operation eso__operations[];
extern const size_t eso__operation_total;
extern const unsigned short eso__operations_by_name[]; /* rows in strcmp() order */

/* The row of operation @p name, or NULL. */
const struct eso__operation *eso__operation_find(const char *name);

enum eso__var_type {
    ESO__VAR_UNKNOWN = 0, /* not declared */
    ESO__VAR_INT,
    ESO__VAR_FLOAT,
    ESO__VAR_BOOLEAN,
    ESO__VAR_STRING, /* String, ID, enums */
    ESO__VAR_JSON,   /* lists and input objects */
};

/*
 * The declared type of variable @p name in @p document's first operation
 * ("$name: Type"). ESO__VAR_UNKNOWN when it is not declared.
 */
enum eso__var_type eso__variable_type(const char *document, const char *name);

/* Whether @p document's first operation is a mutation (not safe to retry blindly). */
bool eso__document_is_mutation(const char *document);

#endif
