/*
 * dash_style.c — how the dashboard looks: its colour pairs, what each style (table.h's
 * enum style) becomes on the screen, the glyphs that have an ASCII stand-in, and
 * dash_put(), through which every cell is written, cut or padded to its width.
 *
 * Colour is optional (--no-color, NO_COLOR, a terminal without it): every attribute
 * goes through dash_pair(), which is 0 then, and the screen stays readable from bold,
 * dim and reverse alone.
 */
#include "tui/dash_internal.h"

#include "tui/term.h"

bool dash_style_init(bool want)
{
	if (!want || !term_colors())
		return false;
	init_pair(PAIR_BAD, COLOR_RED, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_GOOD, COLOR_GREEN, -1);
	init_pair(PAIR_LABEL, COLOR_CYAN, -1);
	init_pair(PAIR_HEAD, COLOR_BLACK, COLOR_GREEN);
	init_pair(PAIR_SEL, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_KEY, COLOR_BLACK, COLOR_CYAN);
	return true;
}

const char *dash_glyph(const struct dash *d, const char *utf8, const char *ascii)
{
	return d->utf8 ? utf8 : ascii;
}

attr_t dash_pair(const struct dash *d, enum pair p)
{
	return d->color ? COLOR_PAIR(p) : 0;
}

attr_t dash_style_attr(const struct dash *d, enum style s)
{
	switch (s) {
	case STYLE_BAD:
		return A_BOLD | dash_pair(d, PAIR_BAD);
	case STYLE_WARN:
		return dash_pair(d, PAIR_WARN);
	case STYLE_GOOD:
		return dash_pair(d, PAIR_GOOD);
	case STYLE_DIM:
		return A_DIM;
	default:
		return A_NORMAL;
	}
}

void dash_put(const struct dash *d, int y, int x, int width, enum text_align align,
	      const char *s, attr_t attr)
{
	char buf[4096];
	int h, w;

	getmaxyx(stdscr, h, w);
	if (y < 0 || y >= h || x >= w || width <= 0)
		return;
	if (x + width > w)
		width = w - x;
	text_fit(s, width, align, dash_glyph(d, "…", "~"), buf, sizeof(buf));
	attrset(attr);
	mvaddstr(y, x, buf);
	attrset(A_NORMAL);
}
