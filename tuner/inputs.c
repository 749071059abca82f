/*
 * inputs.c — the string vector, and the inputs a tuning runs over: `--inputs 1..20,x`,
 * `--inputs-file F` or stdin lines (cmd/tune.c reads those; this file parses buffers).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuner/internal.h"

void tune_strv_release(struct tune_strv *sv)
{
	for (int i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

int tune_strv_pushn(struct tune_strv *sv, const char *s, size_t len)
{
	char *copy;

	/* One spare slot keeps the vector NULL-terminated, ready for execve. */
	if (sv->n + 2 > sv->cap) {
		int cap = sv->cap ? sv->cap * 2 : 8;
		char **v = realloc(sv->v, (size_t)cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		sv->v = v;
		sv->cap = cap;
	}
	copy = strndup(s, len);
	if (!copy)
		return -ENOMEM;
	sv->v[sv->n++] = copy;
	sv->v[sv->n] = NULL;
	return 0;
}

int tune_strv_push(struct tune_strv *sv, const char *s)
{
	return tune_strv_pushn(sv, s, strlen(s));
}

/*
 * One end of a range item "A..B" of an --inputs spec: the LEN bytes at S are a whole
 * decimal integer, sign allowed; no spaces, no trailing text. Not cmd/opts.h's option
 * parser (a floor above the tuner), and on purpose: this reads a piece of a format (a
 * slice of a longer string, not NUL-terminated), and a piece that is not a number is
 * no error, only a sign that the item is one input as written (a file "a..b").
 */
static bool parse_int(const char *s, size_t len, long long *out)
{
	char buf[32], *end;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!(buf[0] == '-' || buf[0] == '+' || (buf[0] >= '0' && buf[0] <= '9')))
		return false;
	errno = 0;
	*out = strtoll(buf, &end, 10);
	return !errno && end != buf && !*end;
}

static int push_range(struct tune_strv *out, long long a, long long b, char *err,
		      size_t errlen)
{
	long long step = a <= b ? 1 : -1;
	/* Unsigned: the distance between two long longs may not fit in one. */
	unsigned long long count = (a <= b ? (unsigned long long)b - (unsigned long long)a
					   : (unsigned long long)a - (unsigned long long)b) + 1;
	char num[24];

	if (count > TUNE_MAX_INPUTS || out->n + count > TUNE_MAX_INPUTS) {
		snprintf(err, errlen, "range %lld..%lld: more than %d inputs", a, b,
			 TUNE_MAX_INPUTS);
		return -E2BIG;
	}
	for (long long v = a;; v += step) {
		int len = snprintf(num, sizeof(num), "%lld", v);

		if (tune_strv_pushn(out, num, (size_t)len))
			return -ENOMEM;
		if (v == b)
			break;
	}
	return 0;
}

int tune_inputs_parse_spec(struct tune_strv *out, const char *spec, char *err, size_t errlen)
{
	const char *p = spec;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *dots = memmem(p, len, "..", 2);
		long long a, b;
		int ret;

		if (len == 0) {
			snprintf(err, errlen, "empty item in inputs '%s'", spec);
			return -EINVAL;
		}
		/* Only integer ends make a range: "a..b" could be a file name. */
		if (dots && parse_int(p, (size_t)(dots - p), &a) &&
		    parse_int(dots + 2, len - (size_t)(dots - p) - 2, &b)) {
			ret = push_range(out, a, b, err, errlen);
			if (ret)
				return ret;
		} else {
			if (out->n >= TUNE_MAX_INPUTS) {
				snprintf(err, errlen, "more than %d inputs", TUNE_MAX_INPUTS);
				return -E2BIG;
			}
			if (tune_strv_pushn(out, p, len))
				return -ENOMEM;
		}
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int tune_inputs_parse_lines(struct tune_strv *out, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > 0) {
			if (memchr(p, '\0', n))
				return -EILSEQ;
			if (out->n >= TUNE_MAX_INPUTS)
				return -E2BIG;
			if (tune_strv_pushn(out, p, n))
				return -ENOMEM;
		}
		p = eol + 1;
	}
	return 0;
}

int tune_inputs_sample(int total, int k, int *idx)
{
	if (total <= 0 || k <= 0)
		return 0;
	if (k > total)
		k = total;
	for (int i = 0; i < k; i++)
		idx[i] = (int)((long long)i * total / k);
	return k;
}
