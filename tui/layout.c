#include "tui/layout.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

struct meter_layout layout_meters(int npus, int npackages, int cols, int max_rows)
{
	struct meter_layout l = { 0, 1, 0, METER_MIN_WIDTH };

	if (npus <= 0 || cols <= 0 || max_rows <= 0)
		return (struct meter_layout){ 1, 0, 0, 0 };
	/* the fewest columns whose rows fit, each meter as wide as it may be */
	for (int c = 1; c <= npus; c++) {
		int rows = (npus + c - 1) / c, w = (cols - (c - 1)) / c;

		if (w < METER_MIN_WIDTH)
			break;
		if (rows <= max_rows) {
			l.columns = c;
			l.rows = rows;
			l.width = w > METER_MAX_WIDTH ? METER_MAX_WIDTH : w;
			return l;
		}
	}
	l.per_package_summary = 1;
	l.columns = 1;
	l.rows = npackages < max_rows ? npackages : max_rows;
	l.width = cols;
	return l;
}

int layout_columns(const struct column *cols, int ncols, int total, int *widths)
{
	int shown = ncols, used, spare;

	for (;;) {
		used = 0;
		for (int i = 0; i < shown; i++)
			used += cols[i].min + (i ? 1 : 0);
		if (used <= total || shown == 1)
			break;
		shown--;
	}
	for (int i = 0; i < ncols; i++)
		widths[i] = i < shown ? cols[i].min : 0;
	spare = total - used;
	/* hand out the rest one cell at a time, so flexible columns grow evenly */
	while (spare > 0) {
		int grew = 0;

		for (int i = 0; i < shown && spare > 0; i++)
			if (widths[i] < cols[i].max) {
				widths[i]++;
				spare--;
				grew = 1;
			}
		if (!grew)
			break;
	}
	if (shown == 1 && widths[0] > total)
		widths[0] = total > 0 ? total : 0;
	return shown;
}

/* Decode one UTF-8 character; returns its length (1 for a stray byte) and its cells. */
static int next_char(const char *s, int *cells)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*cells = 1;
		return 1;
	}
	*cells = wcwidth(wc);
	if (*cells < 0)
		*cells = 1;
	return (int)n;
}

int layout_cells(const char *in)
{
	int total = 0, c;

	while (*in) {
		in += next_char(in, &c);
		total += c;
	}
	return total;
}

size_t layout_fit(const char *in, int width, int right, char *out, size_t cap)
{
	size_t o = 0, keep = 0;
	int used = 0, c, pad;
	const char *p = in;

	if (cap == 0)
		return 0;
	if (width < 0)
		width = 0;
	/* how much of IN fits */
	while (*p) {
		int n = next_char(p, &c);
		if (used + c > width)
			break;
		used += c;
		p += n;
		keep = (size_t)(p - in);
	}
	pad = width - used;
	if (right)
		for (; pad > 0 && o + 1 < cap; pad--)
			out[o++] = ' ';
	if (keep > cap - 1 - o)
		keep = cap - 1 - o;
	memcpy(out + o, in, keep);
	o += keep;
	for (; pad > 0 && o + 1 < cap; pad--)
		out[o++] = ' ';
	out[o] = '\0';
	return o;
}

void layout_bar(double pct, int width, char *out, size_t cap)
{
	int n, i;

	if (width < 0)
		width = 0;
	if ((size_t)width >= cap)
		width = (int)cap - 1;
	if (pct < 0)
		pct = 0;
	if (pct > 100)
		pct = 100;
	n = (int)(pct * width / 100.0 + 0.5);
	for (i = 0; i < width; i++)
		out[i] = i < n ? '|' : ' ';
	out[width] = '\0';
}
