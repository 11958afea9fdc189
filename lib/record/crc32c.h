/*
 * crc32c.h — CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as RFC 3720 defines it
 * for iSCSI and TensorFlow uses for TFRecord framing.
 *
 * dl_crc32c uses the SSE4.2 crc32 instruction when the CPU has it (checked once, at the
 * first call) and a portable table method otherwise; both give identical results and are
 * tested against RFC 3720's vectors. Thread-safe.
 */
#ifndef DL_RECORD_CRC32C_H
#define DL_RECORD_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Extends crc (0 for a fresh start) over n bytes; returns the new CRC. */
uint32_t dl_crc32c(uint32_t crc, const void *p, size_t n);
/* The two implementations, for tests and benchmarks. dl_crc32c_hw must only be called
 * when dl_crc32c_have_hw() is non-zero. */
uint32_t dl_crc32c_sw(uint32_t crc, const void *p, size_t n);
uint32_t dl_crc32c_hw(uint32_t crc, const void *p, size_t n);
int dl_crc32c_have_hw(void);

/* TFRecord's masking: rotate right by 15 and add 0xa282ead8. */
static inline uint32_t dl_crc32c_mask(uint32_t crc)
{
	return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}
static inline uint32_t dl_crc32c_unmask(uint32_t masked)
{
	uint32_t rot = masked - 0xa282ead8u;
	return (rot >> 17) | (rot << 15);
}

#endif
