/* "Did you mean ...?" as graphql-js computes it (suggestionList, didYouMean). */
#ifndef GQL_SUGGEST_PRIVATE_H
#define GQL_SUGGEST_PRIVATE_H

#include <stddef.h>

#include "gql.h"

/* gql_suggestion_list (gql.h): sorted by lexical distance, then naturally. */
/* Append didYouMean(sub, suggestions): "" for none, else " Did you mean [sub ]\"a\", or \"b\"?". */
void gql_did_you_mean(struct gql_buf *buf, const char *sub, const char *const *suggestions,
                      size_t n);

#endif
