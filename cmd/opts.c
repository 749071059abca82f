/*
 * opts.c — the command line's option tables and number parser (opts.h).
 */
#include "cmd/opts.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Digits at S: how many. */
static size_t digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* Whether S is a plain decimal number, all of it: an optional sign, digits, and (with
 * FRACTION) an optional '.' and digits — at least one digit in all — and an optional
 * exponent "e" or "E", a sign, digits. No blanks, hex, inf or nan, which strtol and
 * strtod would also take. */
static bool plain_decimal(const char *s, bool fraction)
{
	size_t n;

	s += *s == '-' || *s == '+';
	n = digits(s);
	s += n;
	if (!fraction)
		return n > 0 && !*s;
	if (*s == '.') {
		size_t f = digits(s + 1);

		s += 1 + f;
		n += f;
	}
	if (n == 0)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		s += *s == '-' || *s == '+';
		n = digits(s);
		if (n == 0)
			return false;
		s += n;
	}
	return !*s;
}

int opt_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!plain_decimal(s, false))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int opt_parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!plain_decimal(s, true))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int opt_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}


/* ---- the option tables ----------------------------------------------------------- */

int opt_parser_init(struct opt_parser *p, const struct opt_desc *table, size_t n,
		    const char *lead)
{
	size_t k = strlen(lead);

	if (n > OPT_MAX || k > 2)
		return -E2BIG;
	memcpy(p->shortopts, lead, k);
	for (size_t i = 0; i < n; i++) {
		const struct opt_desc *d = &table[i];

		p->longopts[i] = (struct option){ d->name, d->arg ? required_argument : no_argument,
						  NULL, d->id };
		if (d->id > 0 && d->id < 256) {
			p->shortopts[k++] = (char)d->id;
			if (d->arg)
				p->shortopts[k++] = ':';
		}
	}
	p->shortopts[k] = '\0';
	p->longopts[n] = (struct option){ 0 };
	return 0;
}

const struct opt_desc *opt_find(const struct opt_desc *table, size_t n, int id)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].id == id)
			return &table[i];
	return NULL;
}

#define HELP_WIDTH 80
#define HELP_INDENT 26

void opt_print_wrapped(FILE *f, const char *left, int indent, const char *text)
{
	int col = fprintf(f, "%s", left);

	if (col + 2 > indent) {
		fputc('\n', f);
		col = 0;
	}
	while (*text) {
		size_t word = strcspn(text, " ");
		int first = col <= indent;

		if (!first && col + 1 + (int)word > HELP_WIDTH) {
			fputc('\n', f);
			col = 0;
			first = 1;
		}
		if (first)
			col += fprintf(f, "%*s", indent - col, "");
		else
			col += fprintf(f, " ");
		col += fprintf(f, "%.*s", (int)word, text);
		text += word;
		text += strspn(text, " ");
	}
	fputc('\n', f);
}

void opt_print_help(FILE *f, const struct opt_desc *table, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct opt_desc *d = &table[i];
		char left[96], text[1024];
		int k;

		if (d->id > 0 && d->id < 256)
			k = snprintf(left, sizeof(left), "  -%c, --%s", d->id, d->name);
		else
			k = snprintf(left, sizeof(left), "      --%s", d->name);
		if (d->arg && k > 0 && (size_t)k < sizeof(left))
			snprintf(left + k, sizeof(left) - (size_t)k, " %s", d->arg);
		if (d->range && d->def)
			snprintf(text, sizeof(text), "%s (%.15g to %.15g, default %s)", d->help, d->min,
				 d->max, d->def);
		else if (d->range)
			snprintf(text, sizeof(text), "%s (%.15g to %.15g)", d->help, d->min, d->max);
		else if (d->def)
			snprintf(text, sizeof(text), "%s (default: %s)", d->help, d->def);
		else
			snprintf(text, sizeof(text), "%s", d->help);
		opt_print_wrapped(f, left, HELP_INDENT, text);
	}
}
