/*
 * report.h — batch output of a snapshot: the plain-text table (`coretop -b`), JSON
 * Lines (`--json`, schema in README.md). No curses; the TUI has its own drawing.
 *
 * Text that came from processes (names, command lines) is untrusted: it is escaped
 * before it reaches a terminal (report_escape) or a JSON document (valid UTF-8).
 *
 * The printers write to a FILE and return 0, or -EIO when the write failed (a closed
 * pipe, a full disk): the caller decides whether that ends the program.
 */
#ifndef CORETOP_REPORT_H
#define CORETOP_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "sampler/snapshot.h"

/*
 * Copy IN into OUT (CAP bytes, always NUL-terminated) so that it is safe to show:
 * ESC becomes "\e", other control bytes "\xNN" (tab, newline included), DEL "\x7f",
 * bytes that are not valid UTF-8 "\xNN"; valid multi-byte UTF-8 is kept. Truncates at
 * a character boundary. With ESCAPE_ASCII, every byte above 0x7f is written "\xNN"
 * too (the plain-ASCII batch text). Returns the length written.
 */
enum { ESCAPE_ASCII = 1 };
size_t report_escape(const char *in, char *out, size_t cap, unsigned flags);

/* Replace invalid UTF-8 in IN by U+FFFD, for JSON. The result is malloc'd. */
char *report_utf8_clean(const char *in);

/* A group's pools in a few words: "openblas:pthread×10 2thr OMP=unset". */
size_t report_pools_short(const struct group *g, char *out, size_t cap);

int report_text(FILE *f, const struct snapshot *snap);
/* Prometheus text exposition format (node_exporter's textfile collector). Unknown
 * values are left out rather than written as 0. */
int report_prometheus(FILE *f, const struct snapshot *snap);
int report_json(FILE *f, const struct snapshot *snap);

#endif
