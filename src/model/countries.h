/* countries: ISO 3166-1 alpha-2 and ISO 4217 code tables (plus XK, Kosovo,
 * user-assigned but used by the EU and many registries). */
#ifndef HB_COUNTRIES_H
#define HB_COUNTRIES_H
#include <stdbool.h>
#include <stddef.h>
bool country_valid(const char *s, size_t n);
bool currency_valid(const char *s, size_t n);
#endif
