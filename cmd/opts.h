/*
 * opts.h — the one parser of numbers given as options, for every subcommand of
 * coretop and for coretop-bench (which links opts.o alone, never the monitor), and the
 * one reader of the files an option names (a tune's inputs, an export's result).
 *
 * An option's value is a number only when the whole string is a plain decimal one —
 * an optional sign, digits; for opt_parse_double also a '.' and a decimal exponent
 * ("1.5", ".5", "2e-1") — with nothing before or after it (no blanks, no hex such as
 * "0x1", no "inf" or "nan"), finite (no overflow: "1e999", or "4294967297" for an
 * option whose range ends below it, is refused rather than wrapped) and inside the
 * range the option allows, both ends included.
 *
 * Every function returns 0 and sets *OUT, or -EINVAL and leaves *OUT as it was; the
 * caller words the message, since only it knows what the option means.
 */
#ifndef CORETOP_OPTS_H
#define CORETOP_OPTS_H

#include <stddef.h>
#include <stdint.h>

int opt_parse_long(const char *s, long min, long max, long *out);
int opt_parse_double(const char *s, double min, double max, double *out);

/* A seed: decimal digits only, the whole of uint64_t (strtoull would take "-1" and
 * wrap it, or skip blanks). */
int opt_parse_u64(const char *s, uint64_t *out);

#endif
