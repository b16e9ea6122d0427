// libjpeg-turbo and libpng, for image decoding. The decoding itself (with the libraries' setjmp-based error handling) lives in the CImageCodec C target.
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
#include <png.h>
