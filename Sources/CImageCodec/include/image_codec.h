// JPEG (libjpeg-turbo) and PNG (libpng) decoding to 8-bit RGB, as Pillow's Image.open(f).convert("RGB") produces it.
// The libraries report errors by longjmp; that stays inside these C functions, so callers (Swift) only ever see a
// return code and a message, never a jump through their frames.
#ifndef PGW_IMAGE_CODEC_H
#define PGW_IMAGE_CODEC_H

#include <stddef.h>

typedef struct {
    int width;
    int height;
    unsigned char *pixels;   // width * height * 3 bytes, rows top to bottom, RGB; malloc'd, release with pgw_image_free
    char message[256];       // why decoding failed (empty on success)
} pgw_image;

/// Decodes a JPEG held in memory. Returns 0 on success; otherwise nonzero with `message` set and no pixels.
/// Images of more than `max_pixels` pixels are refused before any pixel memory is allocated.
int pgw_decode_jpeg(const unsigned char *data, size_t size, size_t max_pixels, pgw_image *out);

/// Decodes a PNG held in memory; same contract as pgw_decode_jpeg.
int pgw_decode_png(const unsigned char *data, size_t size, size_t max_pixels, pgw_image *out);

/// Frees the pixels of a decoded image (safe on a failed or already freed one).
void pgw_image_free(pgw_image *image);

#endif
