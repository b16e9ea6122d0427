// libjpeg-turbo and libpng, for image decoding. Helpers that need setjmp-based error handling live in Engine's C-free wrappers.
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
#include <png.h>
