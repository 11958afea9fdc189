/*
 * unicode.c — the class lookup of unicode.h over the generated tables of unicode_tables.c.
 *
 * The tables are a two-stage lookup (256 code points per block, identical blocks stored once)
 * plus a direct table for ASCII; gen-unicode.py explains their layout. The pre-tokenizers
 * (pretok.c) read the same tables directly, so that the lookup inlines into their loops.
 */
#include "tokenize/unicode.h"

#include <stdint.h>

extern const char dl_uc_tables_version[];
extern const uint8_t dl_uc_ascii[128];
extern const uint8_t dl_uc_stage1[0x110000 >> 8];
extern const uint8_t dl_uc_stage2[][256];

unsigned dl_uc_class(uint32_t cp)
{
	if (cp < 0x80)
		return dl_uc_ascii[cp];
	if (cp > 0x10FFFF)
		return 0;
	return dl_uc_stage2[dl_uc_stage1[cp >> 8]][cp & 0xff];
}

const char *dl_uc_version(void)
{
	return dl_uc_tables_version;
}
