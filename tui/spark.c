/*
 * spark.c — spark.h's cells, lines and graphs.
 */
#include "tui/spark.h"

#include <math.h>
#include <string.h>

static const char *const blocks[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
/* no '-': the supply line's in ASCII */
static const char ramp[8] = { '_', '.', ':', ';', '=', '+', '*', '#' };

static bool sample_value(const struct hist_sample *s, enum spark_field f, float *v)
{
	if (!s->present)
		return false;
	*v = f == SPARK_DEMAND ? s->demand : f == SPARK_USED ? s->used : s->busy;
	return f != SPARK_BUSY || s->busy >= 0;
}

float spark_cells(const struct hist_sample *view, int n, enum spark_field field, int per_cell,
		  int w, struct spark_cell *cells)
{
	float top = 0;

	if (per_cell < 1)
		per_cell = 1;
	if (w > SPARK_MAX_CELLS)
		w = SPARK_MAX_CELLS;
	for (int c = 0; c < w; c++) {
		struct spark_cell *cell = &cells[c];
		/* the newest cell ends at sample n - 1 */
		int end = n - (w - 1 - c) * per_cell, start = end - per_cell;

		memset(cell, 0, sizeof(*cell));
		cell->first = end > 0 ? (start > 0 ? start : 0) : -1;
		for (int k = start > 0 ? start : 0; k < end; k++) {
			float v;

			if (!sample_value(&view[k], field, &v))
				continue;
			if (!cell->present || v > cell->value)
				cell->value = v;
			if (!cell->present || view[k].supply > cell->ref)
				cell->ref = view[k].supply;
			cell->present = true;
			if (view[k].supply > 0 && v > view[k].supply * SPARK_OVER)
				cell->over = true;
		}
		if (cell->present) {
			top = cell->value > top ? cell->value : top;
			top = cell->ref > top ? cell->ref : top;
		}
	}
	/* the supply line runs on through the cells without a sample: the newest supply */
	for (int c = w - 1, ref = -1; c >= 0; c--)
		if (cells[c].present)
			ref = c;
		else if (ref >= 0)
			cells[c].ref = cells[ref].ref;
	return top > 0 ? top : 1;
}

int spark_cell_of(int index, int n, int per_cell, int w)
{
	int back;

	if (per_cell < 1)
		per_cell = 1;
	if (index < 0 || index >= n)
		return -1;
	back = (n - 1 - index) / per_cell; /* cells before the newest */
	return back < w ? w - 1 - back : -1;
}

/* Append glyph LEVEL (0..7), or a space (-1), or the supply line (-2). */
static size_t put(char *out, size_t cap, size_t o, int level, bool utf8)
{
	const char *g = level >= 0 ? (utf8 ? blocks[level] : (char[2]){ ramp[level], 0 })
			: level == -2 ? (utf8 ? "─" : "-")
				      : " ";
	size_t len = strlen(g);

	if (o + len >= cap)
		return o;
	memcpy(out + o, g, len);
	out[o + len] = '\0';
	return o + len;
}

size_t spark_line(const struct spark_cell *cells, int w, float top, bool utf8, char *out,
		  size_t cap)
{
	size_t o = 0;

	if (!cap)
		return 0;
	out[0] = '\0';
	for (int c = 0; c < w; c++) {
		int level = -1;

		if (cells[c].present && cells[c].value >= SPARK_ZERO) {
			level = (int)ceilf(cells[c].value / top * 8) - 1;
			level = level < 0 ? 0 : level > 7 ? 7 : level;
		}
		o = put(out, cap, o, level, utf8);
	}
	return o;
}

size_t spark_graph_row(const struct spark_cell *cells, int w, float top, int rows, int row,
		       bool utf8, char *out, size_t cap)
{
	int from_bottom = rows - 1 - row;
	size_t o = 0;

	if (!cap)
		return 0;
	out[0] = '\0';
	for (int c = 0; c < w; c++) {
		const struct spark_cell *cell = &cells[c];
		int level = -1;

		/* the row the supply's top falls in */
		int line = (int)ceilf(cell->ref / top * (float)rows) - 1;
		int fill = 0;

		if (cell->present && cell->value >= SPARK_ZERO) {
			fill = (int)lroundf(cell->value / top * (float)(rows * 8)) - from_bottom * 8;
			fill = fill > 8 ? 8 : fill;
			if (fill <= 0 && from_bottom == 0)
				fill = 1; /* a little demand still shows */
		}
		if (fill > 0)
			level = fill - 1;
		else if (cell->ref > 0 && line == from_bottom)
			level = -2;
		o = put(out, cap, o, level, utf8);
	}
	return o;
}

float spark_top(const struct hist_sample *view, int n, int last)
{
	float top = 0;

	for (int k = n - last > 0 ? n - last : 0; k < n; k++)
		if (view[k].present) {
			top = view[k].demand > top ? view[k].demand : top;
			top = view[k].supply > top ? view[k].supply : top;
		}
	return top > 0 ? top : 1;
}

/* The dots of one sample in cell row ROW: LEFT or right column. */
static unsigned braille_dots(const struct hist_sample *s, float top, int rows, int row,
			     bool left)
{
	static const unsigned bit[2][4] = { { 0x01, 0x02, 0x04, 0x40 }, { 0x08, 0x10, 0x20, 0x80 } };
	int dots = rows * 4, base = (rows - 1 - row) * 4 + 1; /* its lowest dot row */
	int used = (int)lroundf(s->used / top * (float)dots);
	int demand = (int)lroundf(s->demand / top * (float)dots);
	int supply = (int)lroundf(s->supply / top * (float)dots);
	unsigned bits = 0;

	if (!s->present)
		return 0;
	for (int k = base; k < base + 4; k++)
		if (k <= used || k == demand || k == supply)
			bits |= bit[left ? 0 : 1][3 - (k - base)];
	return bits;
}

size_t spark_braille_row(const struct hist_sample *view, int n, int w, float top, int rows,
			 int row, char *out, size_t cap, bool *over)
{
	size_t o = 0;

	if (!cap)
		return 0;
	out[0] = '\0';
	for (int c = 0; c < w; c++) {
		int right = n - 1 - (w - 1 - c) * 2, left = right - 1;
		unsigned bits = 0;
		bool o_ = false;

		for (int k = left; k <= right; k++) {
			if (k < 0 || !view[k].present)
				continue;
			bits |= braille_dots(&view[k], top, rows, row, k == left);
			o_ |= view[k].supply > 0 && view[k].demand > view[k].supply * SPARK_OVER;
		}
		if (over)
			over[c] = o_;
		if (o + 4 > cap)
			break;
		if (!bits) {
			out[o++] = ' ';
		} else {
			out[o++] = (char)0xe2;
			out[o++] = (char)(0xa0 | bits >> 6);
			out[o++] = (char)(0x80 | (bits & 0x3f));
		}
		out[o] = '\0';
	}
	return o;
}
