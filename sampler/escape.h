/*
 * escape.h — the one escaping policy for text that came from outside (process names,
 * command lines, environment values, file names, the user's arguments), for every
 * output: the batch text, the dashboard and the tune screen, error messages, export
 * comments, JSON and Prometheus labels.
 *
 * What must never reach a terminal or a reader raw ("controls" below):
 *   - C0 controls U+0000..U+001F (ESC, BEL, tab and newline included) and DEL;
 *   - C1 controls U+0080..U+009F (U+009B is CSI: some terminals obey it as ESC [);
 *   - bytes that are not UTF-8 (lone continuations, overlong forms, surrogates, beyond
 *     U+10FFFF, truncated sequences);
 *   - the bidi and format controls that reorder or hide text: U+061C, U+200E, U+200F,
 *     U+202A..U+202E, U+2066..U+2069, and the line and paragraph separators U+2028,
 *     U+2029.
 * Each output shows them as visible text, so what a process calls itself can change
 * neither the terminal (colours, titles, the clipboard) nor the order of what is read.
 *
 * The functions keep the report_ prefix every printer and screen already calls; they
 * own no state and are safe from any thread.
 */
#ifndef CORETOP_ESCAPE_H
#define CORETOP_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* Whether code point CP is one of the controls above (C0, DEL, C1, bidi, separators). */
bool report_is_control(unsigned cp);

/*
 * Text: copy IN into OUT (CAP bytes, always NUL-terminated) so that it is safe to
 * show: ESC becomes "\e", other C0 bytes and DEL "\xNN" (tab, newline included), a
 * backslash "\\" (so the escapes are unambiguous), bytes that are not valid UTF-8
 * "\xNN", C1 and bidi controls "\u00NN" / "\u202e" (lower-case hex, four digits);
 * other valid UTF-8 is kept. Truncates at a character boundary, never inside an
 * escape. With ESCAPE_ASCII, every byte above 0x7f is written "\xNN" too (the
 * plain-ASCII batch text; "×" becomes "x"). With ESCAPE_KEEP_BACKSLASH a backslash
 * stays one: the output is then the same when escaped again, for error messages that
 * carry text a lower layer already escaped (a backslash does nothing to a terminal).
 * Returns the length written. OUT needs at most 4 * strlen(IN) + 1 bytes.
 */
enum { ESCAPE_ASCII = 1, ESCAPE_KEEP_BACKSLASH = 2 };
size_t report_escape(const char *in, char *out, size_t cap, unsigned flags);

/* Replace invalid UTF-8 in IN by U+FFFD, for a JSON string (jansson takes valid
 * UTF-8 only). The result is malloc'd; NULL when out of memory. */
char *report_utf8_clean(const char *in);

/*
 * JSON: json_dumps() / json_dumpf() with FLAGS, then C1 and bidi controls and DEL
 * rewritten as "\u009b", "\u202e", "\u007f" (jansson already writes C0 as \u escapes
 * and passes the rest raw). Rewriting the dump is sound because those code points can
 * only occur inside strings. The document reads back to the same strings; its bytes
 * hold no control of the list above. report_json_dumps returns a malloc'd string
 * (free()) or NULL; report_json_dumpf returns 0, or -1 when the dump or the write
 * failed (ferror(F) tells which).
 */
char *report_json_dumps(const json_t *j, size_t flags);
int report_json_dumpf(const json_t *j, FILE *f, size_t flags);

/*
 * Prometheus: IN as the inside of a label value ("..."). The format knows only the
 * escapes \\, \" and \n, so IN is first escaped as text (report_escape, UTF-8 kept)
 * and then written in the format: a label read back by Prometheus holds the visible
 * text ESC -> the characters \e, BEL -> \x07, U+009B -> \u009b, a backslash -> \\;
 * the exposition itself has no control byte. The result is malloc'd; NULL when out of
 * memory.
 */
char *report_prom_label(const char *in);

#endif
