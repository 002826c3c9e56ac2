/* "Did you mean ...?" as graphql-js computes it (suggestionList, didYouMean). */
#ifndef GQL_SUGGEST_PRIVATE_H
#define GQL_SUGGEST_PRIVATE_H

#include <stddef.h>

#include "gql.h"

/*
 * Sort the options close enough to input by lexical distance, then naturally;
 * writes at most max pointers into out and returns how many. Options must stay
 * valid while out is used.
 */
size_t gql_suggestion_list(const char *input, const char *const *options, size_t noptions,
                           const char **out, size_t max);
/* Append didYouMean(sub, suggestions): "" for none, else " Did you mean [sub ]\"a\", or \"b\"?". */
void gql_did_you_mean(struct gql_buf *buf, const char *sub, const char *const *suggestions,
                      size_t n);

#endif
