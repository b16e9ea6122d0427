// JPEG and PNG decoding with each library's error handling kept inside C (setjmp/longjmp never cross into Swift).
// Colour handling follows Pillow's convert("RGB"): gray replicated, alpha dropped (no compositing), palette looked up in
// a 256-entry table that starts as a gray ramp, 16-bit samples → high byte, except 16-bit grayscale, which Pillow opens
// as I;16 and clips to 0…255; 4-component JPEGs are inverted (Adobe convention) and converted with Pillow's cmyk2rgb.
#include "image_codec.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

void pgw_image_free(pgw_image *image) {
    if (image == NULL) return;
    free(image->pixels);
    image->pixels = NULL;
}

static void pgw_reset(pgw_image *out) {
    out->width = 0;
    out->height = 0;
    out->pixels = NULL;
    out->message[0] = 0;
}

static int pgw_fail(pgw_image *out, const char *message) {
    snprintf(out->message, sizeof out->message, "%s", message);
    return 1;
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* JPEG */

struct pgw_jpeg_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void pgw_jpeg_error_exit(j_common_ptr cinfo) {
    struct pgw_jpeg_error *error = (struct pgw_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, error->message);
    longjmp(error->jump, 1);
}

// Warnings are ignored as Pillow ignores them, except premature end of data: libjpeg would pad the image with gray,
// Pillow reports "image file is truncated".
static void pgw_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        struct pgw_jpeg_error *error = (struct pgw_jpeg_error *)cinfo->err;
        snprintf(error->message, sizeof error->message, "JPEG data is truncated (premature end of file)");
        longjmp(error->jump, 1);
    }
}

static void pgw_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

#define PGW_MULDIV255(a, b) ((((a) * (b) + 128) + (((a) * (b) + 128) >> 8)) >> 8)

int pgw_decode_jpeg(const unsigned char *data, size_t size, size_t max_pixels, pgw_image *out) {
    struct jpeg_decompress_struct cinfo;
    struct pgw_jpeg_error error;
    unsigned char *volatile pixels = NULL;
    unsigned char *volatile row = NULL;

    pgw_reset(out);
    if (size == 0) return pgw_fail(out, "JPEG data is empty");
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&error.pub);
    error.pub.error_exit = pgw_jpeg_error_exit;
    error.pub.emit_message = pgw_jpeg_emit_message;
    error.pub.output_message = pgw_jpeg_output_message;
    error.message[0] = 0;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        return pgw_fail(out, error.message[0] ? error.message : "JPEG decoding failed");
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);

    int components = cinfo.num_components;
    if (components == 1) {
        cinfo.out_color_space = JCS_GRAYSCALE;
    } else if (components == 3) {
        cinfo.out_color_space = JCS_RGB;
    } else if (components == 4) {
        cinfo.out_color_space = JCS_CMYK;
    } else {
        snprintf(error.message, sizeof error.message, "JPEG has %d colour components; expected 1, 3 or 4", components);
        longjmp(error.jump, 1);
    }
    if ((size_t)cinfo.image_width * (size_t)cinfo.image_height > max_pixels) {
        snprintf(error.message, sizeof error.message, "JPEG is %ux%u, more than the %zu-pixel limit",
                 cinfo.image_width, cinfo.image_height, max_pixels);
        longjmp(error.jump, 1);
    }
    jpeg_start_decompress(&cinfo);
    size_t width = cinfo.output_width, height = cinfo.output_height;
    int channels = cinfo.output_components;
    pixels = malloc(width * height * 3 > 0 ? width * height * 3 : 1);
    row = malloc(width * (size_t)channels > 0 ? width * (size_t)channels : 1);
    if (pixels == NULL || row == NULL) {
        snprintf(error.message, sizeof error.message, "out of memory for a %zux%zu JPEG", width, height);
        longjmp(error.jump, 1);
    }
    while (cinfo.output_scanline < height) {
        size_t y = cinfo.output_scanline;
        JSAMPROW rows[1] = {row};
        if (jpeg_read_scanlines(&cinfo, rows, 1) != 1) {
            snprintf(error.message, sizeof error.message, "JPEG data is truncated (row %zu of %zu)", y, height);
            longjmp(error.jump, 1);
        }
        unsigned char *dst = pixels + y * width * 3;
        for (size_t x = 0; x < width; x++) {
            if (channels == 1) {
                dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = row[x];
            } else if (channels == 3) {
                dst[3 * x] = row[3 * x];
                dst[3 * x + 1] = row[3 * x + 1];
                dst[3 * x + 2] = row[3 * x + 2];
            } else {
                // Pillow reads 4-component JPEGs as inverted CMYK ("CMYK;I"), then cmyk2rgb.
                int c = 255 - row[4 * x], m = 255 - row[4 * x + 1], yy = 255 - row[4 * x + 2], k = 255 - row[4 * x + 3];
                int nk = 255 - k;
                int r = nk - PGW_MULDIV255(c, nk), g = nk - PGW_MULDIV255(m, nk), b = nk - PGW_MULDIV255(yy, nk);
                dst[3 * x] = (unsigned char)(r < 0 ? 0 : r > 255 ? 255 : r);
                dst[3 * x + 1] = (unsigned char)(g < 0 ? 0 : g > 255 ? 255 : g);
                dst[3 * x + 2] = (unsigned char)(b < 0 ? 0 : b > 255 ? 255 : b);
            }
        }
    }
    // All rows are in; a missing EOI marker after them is tolerated (as Pillow does), so no jpeg_finish_decompress.
    jpeg_destroy_decompress(&cinfo);
    free(row);
    out->width = (int)width;
    out->height = (int)height;
    out->pixels = pixels;
    return 0;
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* PNG */

struct pgw_png_context {
    const unsigned char *data;
    size_t size;
    size_t position;
    jmp_buf jump;
    char message[200];
};

static void pgw_png_error(png_structp png, png_const_charp message) {
    struct pgw_png_context *context = (struct pgw_png_context *)png_get_error_ptr(png);
    snprintf(context->message, sizeof context->message, "%s", message);
    longjmp(context->jump, 1);
}

static void pgw_png_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

static void pgw_png_read(png_structp png, png_bytep destination, size_t length) {
    struct pgw_png_context *context = (struct pgw_png_context *)png_get_io_ptr(png);
    if (length > context->size - context->position) {
        png_error(png, "PNG data is truncated (unexpected end of file)");
    }
    memcpy(destination, context->data + context->position, length);
    context->position += length;
}

int pgw_decode_png(const unsigned char *data, size_t size, size_t max_pixels, pgw_image *out) {
    struct pgw_png_context context;
    png_structp png = NULL;
    png_infop volatile info = NULL;                 // assigned after setjmp, so volatile
    unsigned char *volatile raw = NULL;
    png_bytep *volatile rows = NULL;
    unsigned char *volatile pixels = NULL;

    pgw_reset(out);
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) return pgw_fail(out, "not a PNG (bad signature)");
    context.data = data;
    context.size = size;
    context.position = 0;
    context.message[0] = 0;
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &context, pgw_png_error, pgw_png_warning);
    if (png == NULL) return pgw_fail(out, "cannot create a PNG reader");
    if (setjmp(context.jump)) {
        png_infop created = info;
        png_destroy_read_struct(&png, created ? &created : NULL, NULL);
        free(raw);
        free(rows);
        free(pixels);
        return pgw_fail(out, context.message[0] ? context.message : "PNG decoding failed");
    }
    info = png_create_info_struct(png);
    if (info == NULL) png_error(png, "cannot create PNG info");
    png_set_read_fn(png, &context, pgw_png_read);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int depth = 0, colorType = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &depth, &colorType, &interlace, NULL, NULL);
    if ((size_t)width * (size_t)height > max_pixels) {
        snprintf(context.message, sizeof context.message, "PNG is %ux%u, more than the %zu-pixel limit", width, height, max_pixels);
        longjmp(context.jump, 1);
    }
    if (colorType == PNG_COLOR_TYPE_PALETTE) {
        png_set_packing(png);                        // one palette index per byte
    } else if (colorType == PNG_COLOR_TYPE_GRAY && depth < 8) {
        png_set_expand_gray_1_2_4_to_8(png);         // 0…2^d−1 scaled to 0…255, as Pillow's L;1/L;2/L;4 unpackers
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t rowBytes = png_get_rowbytes(png, info);
    int channels = png_get_channels(png, info);
    int outDepth = png_get_bit_depth(png, info);
    int outType = png_get_color_type(png, info);

    raw = malloc(rowBytes * height > 0 ? rowBytes * height : 1);
    rows = malloc(sizeof(png_bytep) * (height > 0 ? height : 1));
    pixels = malloc((size_t)width * height * 3 > 0 ? (size_t)width * height * 3 : 1);
    if (raw == NULL || rows == NULL || pixels == NULL) png_error(png, "out of memory for the PNG");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = raw + y * rowBytes;
    png_read_image(png, rows);
    // The chunks after the image data (and IEND) are not needed, and Pillow does not require them.

    unsigned char palette[256 * 3];
    for (int i = 0; i < 256; i++) palette[3 * i] = palette[3 * i + 1] = palette[3 * i + 2] = (unsigned char)i;
    if (outType == PNG_COLOR_TYPE_PALETTE) {
        png_colorp entries = NULL;
        int count = 0;
        if (png_get_PLTE(png, info, &entries, &count) & PNG_INFO_PLTE) {
            for (int i = 0; i < count && i < 256; i++) {
                palette[3 * i] = entries[i].red;
                palette[3 * i + 1] = entries[i].green;
                palette[3 * i + 2] = entries[i].blue;
            }
        }
    }
    int bytesPerSample = outDepth == 16 ? 2 : 1;
    int grayscale16 = (colorType == PNG_COLOR_TYPE_GRAY && depth == 16);
    for (png_uint_32 y = 0; y < height; y++) {
        const unsigned char *src = rows[y];
        unsigned char *dst = pixels + (size_t)y * width * 3;
        for (png_uint_32 x = 0; x < width; x++) {
            const unsigned char *p = src + (size_t)x * channels * bytesPerSample;
            if (outType == PNG_COLOR_TYPE_PALETTE) {
                memcpy(dst + 3 * x, palette + 3 * p[0], 3);
            } else if (channels <= 2) {              // gray or gray + alpha: replicate gray, drop alpha
                unsigned char v;
                if (grayscale16) {
                    unsigned value = ((unsigned)p[0] << 8) | p[1];
                    v = value > 255 ? 255 : (unsigned char)value;    // Pillow: I;16 → RGB clips, no rescaling
                } else {
                    v = p[0];                                       // 8-bit, or the high byte of a 16-bit sample
                }
                dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = v;
            } else {                                 // RGB or RGBA: high bytes, alpha dropped
                dst[3 * x] = p[0];
                dst[3 * x + 1] = p[bytesPerSample];
                dst[3 * x + 2] = p[2 * bytesPerSample];
            }
        }
    }
    png_infop created = info;
    png_destroy_read_struct(&png, &created, NULL);
    free(raw);
    free(rows);
    out->width = (int)width;
    out->height = (int)height;
    out->pixels = pixels;
    return 0;
}
