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

// Terminal hygiene: signal handlers and an atexit hook that give the terminal back.
#include <signal.h>
#include <unistd.h>
#include <stdlib.h>

static volatile sig_atomic_t prograd_curses_active = 0;
static volatile sig_atomic_t prograd_saved_stderr = -1;

/// Leaves curses mode (if active) and puts the original stderr back. Safe to call more than once.
static inline void prograd_restore_terminal(void) {
    if (prograd_curses_active) { prograd_curses_active = 0; endwin(); }
    if (prograd_saved_stderr >= 0) { dup2(prograd_saved_stderr, 2); }
}

static void prograd_on_crash(int sig) {
    prograd_restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void prograd_atexit_restore(void) { prograd_restore_terminal(); }

/// Crash signals restore the terminal, then die as before; exit() restores it too. (SIGINT/SIGTERM/SIGHUP are
/// turned into messages by the loop, which quits cleanly.)
static inline void prograd_install_terminal_guards(void) {
    static int installed = 0;
    if (installed) return;
    installed = 1;
    struct sigaction sa;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sa.sa_handler = prograd_on_crash;
    sa.sa_flags = SA_RESETHAND;
    int crash[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    for (unsigned i = 0; i < sizeof crash / sizeof crash[0]; i++) sigaction(crash[i], &sa, NULL);
    atexit(prograd_atexit_restore);
}

static inline void prograd_set_curses_active(int on) { prograd_curses_active = on; }
static inline void prograd_set_saved_stderr(int fd) { prograd_saved_stderr = fd; }
