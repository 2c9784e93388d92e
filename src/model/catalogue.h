/* catalogue (internal to model/): lookups beyond event.h's public ones. */
#ifndef HB_CATALOGUE_H
#define HB_CATALOGUE_H
#include <stddef.h>
#include "model/event.h"

/* Number of values of an enumeration (0 for an unknown one). */
int catalogue_enum_count(event_enum e);
/* Index of the value named s[0..n), or -1. */
int catalogue_enum_from_name(event_enum e, const char *s, size_t n);
#endif
