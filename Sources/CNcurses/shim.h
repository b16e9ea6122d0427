// ncursesw for the TUI. Macros do not import into Swift: wrap what the TUI needs in static inline functions.
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
int wcwidth(wchar_t c);
