/*
 * opts.c — the command line's number parser and file reader (opts.h).
 */
#include "cmd/opts.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

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

