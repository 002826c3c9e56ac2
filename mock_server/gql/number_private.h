/* Numbers as JavaScript's Number#toString writes them. */
#ifndef GQL_NUMBER_PRIVATE_H
#define GQL_NUMBER_PRIVATE_H

#include <stddef.h>

/* A double as JavaScript's Number#toString writes it (shortest round trip) into @p out. */
void gql_js_number(double value, char *out, size_t size);

#endif
