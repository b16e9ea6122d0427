// ncursesw for the TUI. Macros do not import into Swift: wrap what the TUI needs in static inline functions.
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <langinfo.h>
#include <ncursesw/curses.h>
int wcwidth(wchar_t c);

// Attributes (macros in curses.h).
static inline unsigned int prograd_a_normal(void) { return (unsigned int)A_NORMAL; }
static inline unsigned int prograd_a_bold(void) { return (unsigned int)A_BOLD; }
static inline unsigned int prograd_a_reverse(void) { return (unsigned int)A_REVERSE; }
static inline unsigned int prograd_a_dim(void) { return (unsigned int)A_DIM; }
static inline unsigned int prograd_a_underline(void) { return (unsigned int)A_UNDERLINE; }
static inline unsigned int prograd_color_pair(int pair) { return (unsigned int)COLOR_PAIR(pair); }

// Screen geometry and modes.
static inline int prograd_lines(void) { int y, x; getmaxyx(stdscr, y, x); (void)x; return y; }
static inline int prograd_cols(void) { int y, x; getmaxyx(stdscr, y, x); (void)y; return x; }
static inline int prograd_key_resize(void) { return KEY_RESIZE; }
static inline int prograd_key_btab(void) { return KEY_BTAB; }
static inline int prograd_getch(void) { return wgetch(stdscr); }
static inline void prograd_timeout(int ms) { wtimeout(stdscr, ms); }
static inline int prograd_keypad(bool on) { return keypad(stdscr, on); }

/// Writes one wide character with the given attributes and colour pair at (y, x).
static inline int prograd_put_wch(int y, int x, wchar_t ch, unsigned int attrs, short pair) {
    cchar_t cc;
    wchar_t wch[2] = { ch, L'\0' };
    if (setcchar(&cc, wch, (attr_t)attrs, pair, NULL) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cc);
}

/// True when the current locale's character set is UTF-8 (call after setlocale).
static inline int prograd_locale_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    if (!cs) return 0;
    return (cs[0] == 'U' || cs[0] == 'u') && (cs[1] == 'T' || cs[1] == 't') && (cs[2] == 'F' || cs[2] == 'f');
}

/// Reads one key as a wide character: returns OK (a character in *ch), KEY_CODE_YES (a key code in *ch) or ERR.
static inline int prograd_get_wch(int *ch) {
    wint_t w = 0;
    int r = wget_wch(stdscr, &w);
    *ch = (int)w;
    return r;
}
static inline int prograd_key_code_yes(void) { return KEY_CODE_YES; }
