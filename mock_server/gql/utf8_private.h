/* UTF-8 decoding shared by the lexer, the JSON writer and the message printers. */
#ifndef GQL_UTF8_PRIVATE_H
#define GQL_UTF8_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode the code point at s[0..len) (len > 0). Returns its length in bytes;
 * *cp gets the code point, or 0xFFFD for an invalid sequence (then length 1).
 * *valid says which.
 */
size_t gql_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp, int *valid);
/* Encode cp (<= 0x10FFFF) into out[4]; returns the length. */
size_t gql_utf8_encode(uint32_t cp, char *out);

#endif
