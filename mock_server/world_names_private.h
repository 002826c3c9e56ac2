/*
 * Names and flavour text for generated entities (world_names.c). Character and guild
 * names are bijections with an index (parse gives the index back), so a lookup by name
 * needs no table; other names and texts are picked from ESO-flavoured words by a hash.
 */
#ifndef ESOMOCK_WORLD_NAMES_PRIVATE_H
#define ESOMOCK_WORLD_NAMES_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for any name or text made here. */
#define ESOMOCK_NAME_SIZE 160

/* "Given Family" for index [0, 2^24); parse gives the index of such a name back. */
void esomock__name_character(uint32_t index, char *out, size_t size);
bool esomock__name_character_parse(const char *name, uint32_t *index);

/* "Adj Noun", "The Adj Noun" or "Noun of Place" for index [0, 49152), and back. */
void esomock__name_guild(uint32_t index, char *out, size_t size);
bool esomock__name_guild_parse(const char *name, uint32_t *index);

void esomock__name_user(uint64_t h, char *out, size_t size);
/* "@Name": a character's account. */
void esomock__name_account(uint64_t h, char *out, size_t size);
void esomock__name_ability(uint64_t h, char *out, size_t size);
void esomock__name_item(uint64_t h, char *out, size_t size);
void esomock__name_item_set(uint64_t h, char *out, size_t size);
void esomock__name_npc(uint64_t h, char *out, size_t size);
void esomock__name_map(uint64_t h, char *out, size_t size);
/* "kind_theme_NNN.png" */
void esomock__icon(const char *kind, uint64_t h, char *out, size_t size);
void esomock__text_ability(uint64_t h, char *out, size_t size);
void esomock__text_guild(uint64_t h, const char *server, char *out, size_t size);
void esomock__text_tag(uint64_t h, char *out, size_t size);
void esomock__text_report_title(uint64_t h, const char *zone_short, int difficulty, char *out,
                                size_t size);

#endif
