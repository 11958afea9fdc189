/*
 * bytes.h — little-endian loads and stores at any alignment, for hashes and file formats
 * whose bytes are defined as little-endian whatever the machine.
 */
#ifndef DL_CORE_BYTES_H
#define DL_CORE_BYTES_H
#include <stdint.h>
#include <string.h>

static inline uint64_t dl_load_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint32_t dl_load_le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline void dl_store_le32(uint8_t *p, uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	memcpy(p, &v, 4);
}
#endif
