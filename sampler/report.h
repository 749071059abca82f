/*
 * report.h — batch output of a snapshot: the plain-text table (`coretop -b`), JSON
 * Lines (`--json`, schema in README.md). No curses; the TUI has its own drawing.
 *
 * Text that came from processes (names, command lines) is untrusted: every printer
 * writes it through the policy of escape.h (text, JSON and Prometheus forms).
 *
 * The printers write to a FILE and return 0, or -EIO when the write failed (a closed
 * pipe, a full disk): the caller decides whether that ends the program.
 */
#ifndef CORETOP_REPORT_H
#define CORETOP_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "sampler/escape.h"
#include "sampler/snapshot.h"

/* A group's pools in a few words: "openblas:pthread×10 2thr OMP=unset". */
size_t report_pools_short(const struct group *g, char *out, size_t cap);

int report_text(FILE *f, const struct snapshot *snap);
/* Prometheus text exposition format (node_exporter's textfile collector). Unknown
 * values are left out rather than written as 0. Label values are report_prom_label's:
 * a name with ESC reads back as the visible text "\e", never the byte. */
int report_prometheus(FILE *f, const struct snapshot *snap);
int report_json(FILE *f, const struct snapshot *snap);

#endif
