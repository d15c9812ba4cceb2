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
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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

static inline int sy_ok(void) { return OK; }
static inline int sy_key_code_yes(void) { return KEY_CODE_YES; }
static inline int sy_key_backspace(void) { return KEY_BACKSPACE; }
static inline int sy_key_home(void) { return KEY_HOME; }
static inline int sy_key_end(void) { return KEY_END; }
static inline int sy_colors(void) { return COLORS; }
static inline int sy_color_pairs(void) { return COLOR_PAIRS; }

/// Reads one key from stdscr without waiting longer than the window's timeout.
/// Returns OK for a character, KEY_CODE_YES for a function key (both store the code in *code) or ERR for none.
static inline int sy_read_key(int *code) {
    wint_t ch = 0;
    int result = wget_wch(stdscr, &ch);
    *code = (int)ch;
    return result;
}

/// Whether both stdin and stdout are terminals.
static inline int sy_stdio_is_tty(void) { return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO); }

/// Starts curses on stdin/stdout like initscr, but returns NULL instead of exiting when the terminal is unusable.
static inline SCREEN *sy_newterm(void) {
    SCREEN *screen = newterm(NULL, stdout, stdin);
    if (screen != NULL) { set_term(screen); }
    return screen;
}

/// The handler each signal had before sy_install_signal_handlers (one table per translation unit: install and
/// remove must be called from the same Swift file).
static inline struct sigaction *sy_saved_action(int sig) {
    static struct sigaction saved[65];
    return &saved[(sig > 0 && sig < 65) ? sig : 0];
}

/// Restores the terminal, puts the previous handler back and re-raises, so the signal then takes its usual course
/// (the process dies with the right status, or a crash reporter still runs, on a readable terminal). An interrupt,
/// quit or termination that was inherited as ignored still ends the console: the operator asked it to stop.
static inline void sy_restore_and_reraise(int sig) {
    endwin();
    struct sigaction *saved = sy_saved_action(sig);
    if (saved->sa_handler == SIG_IGN && sig != SIGHUP) {
        signal(sig, SIG_DFL);
    } else {
        sigaction(sig, saved, NULL);
    }
    raise(sig);
}

/// The signals after which the terminal must be restored: interrupts, hang-ups and crashes.
static inline int sy_handled_signal(int index) {
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
    return index >= 0 && index < (int)(sizeof signals / sizeof signals[0]) ? signals[index] : 0;
}

/// Installs handlers that call endwin before the process dies of a signal.
static inline void sy_install_signal_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = sy_restore_and_reraise;
    sigemptyset(&action.sa_mask);
    for (int i = 0; sy_handled_signal(i) != 0; i++) {
        int sig = sy_handled_signal(i);
        sigaction(sig, NULL, sy_saved_action(sig));
        // Under nohup a hang-up is meant to be ignored; leave it so.
        if (sig == SIGHUP && sy_saved_action(sig)->sa_handler == SIG_IGN) { continue; }
        sigaction(sig, &action, NULL);
    }
}

/// Puts back the handlers that were there before, once curses has ended.
static inline void sy_remove_signal_handlers(void) {
    for (int i = 0; sy_handled_signal(i) != 0; i++) {
        sigaction(sy_handled_signal(i), sy_saved_action(sy_handled_signal(i)), NULL);
    }
}
#endif
