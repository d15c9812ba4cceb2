#ifndef SWITCHYARD_CNCURSES_SHIM_H
#define SWITCHYARD_CNCURSES_SHIM_H
// SwiftPM drops the -D_XOPEN_SOURCE flags that pkg-config reports, so they are set here.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *sy_stdscr(void) { return stdscr; }
static inline int sy_lines(void) { return LINES; }
static inline int sy_cols(void) { return COLS; }
static inline int sy_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline attr_t sy_a_bold(void) { return A_BOLD; }
static inline attr_t sy_a_dim(void) { return A_DIM; }
static inline attr_t sy_a_reverse(void) { return A_REVERSE; }
static inline attr_t sy_a_underline(void) { return A_UNDERLINE; }
static inline attr_t sy_a_normal(void) { return A_NORMAL; }
static inline int sy_key_resize(void) { return KEY_RESIZE; }
static inline int sy_key_enter(void) { return KEY_ENTER; }
static inline int sy_key_up(void) { return KEY_UP; }
static inline int sy_key_down(void) { return KEY_DOWN; }
static inline int sy_key_left(void) { return KEY_LEFT; }
static inline int sy_key_right(void) { return KEY_RIGHT; }
static inline int sy_key_btab(void) { return KEY_BTAB; }
static inline int sy_key_npage(void) { return KEY_NPAGE; }
static inline int sy_key_ppage(void) { return KEY_PPAGE; }
static inline int sy_err(void) { return ERR; }
static inline void sy_setlocale_all(void) { setlocale(LC_ALL, ""); }
static inline void sy_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }
/// Writes a wide string with the given attributes and color pair at (y, x).
static inline int sy_put(int y, int x, const wchar_t *s, attr_t attrs, short pair) {
    attr_set(attrs, pair, NULL);
    return mvaddwstr(y, x, s);
}
#endif
