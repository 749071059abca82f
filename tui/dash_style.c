/*
 * dash_style.c — how the dashboard looks: its themes (the colour pairs each one
 * defines), what each style (table.h's enum style) becomes on the screen, the glyphs
 * that have an ASCII stand-in, and dash_put(), through which every cell is written,
 * cut or padded to its width.
 *
 * Themes (config.h's enum theme, coretoprc's theme key): default, the terminal's own
 * eight colours over its background; 256, a palette of the 256-colour cube (softer
 * headings, an orange warning), the default's where the terminal has fewer colours;
 * light, for dark text on a light background (no yellow, which vanishes on white:
 * warnings magenta, labels blue, white on blue bars); mono, no colour at all.
 *
 * Colour is optional (mono, --no-color, NO_COLOR, a terminal without it: all one
 * screen): every attribute goes through dash_pair(), which is 0 then, and the screen
 * stays readable from bold, dim, underline and reverse alone.
 */
#include "tui/dash_internal.h"

#include "tui/term.h"

/* foreground, background of each pair; -1 is the terminal's own */
static const short palettes[THEME_COUNT][PAIR_KEY + 1][2] = {
	[THEME_DEFAULT] = {
		[PAIR_BAD] = { COLOR_RED, -1 }, [PAIR_WARN] = { COLOR_YELLOW, -1 },
		[PAIR_GOOD] = { COLOR_GREEN, -1 }, [PAIR_LABEL] = { COLOR_CYAN, -1 },
		[PAIR_HEAD] = { COLOR_BLACK, COLOR_GREEN }, [PAIR_SEL] = { COLOR_BLACK, COLOR_CYAN },
		[PAIR_KEY] = { COLOR_BLACK, COLOR_CYAN },
	},
	[THEME_256] = {
		[PAIR_BAD] = { 196, -1 }, [PAIR_WARN] = { 214, -1 }, [PAIR_GOOD] = { 78, -1 },
		[PAIR_LABEL] = { 75, -1 }, [PAIR_HEAD] = { 16, 114 }, [PAIR_SEL] = { 231, 25 },
		[PAIR_KEY] = { 16, 110 },
	},
	[THEME_LIGHT] = {
		[PAIR_BAD] = { COLOR_RED, -1 }, [PAIR_WARN] = { COLOR_MAGENTA, -1 },
		[PAIR_GOOD] = { COLOR_GREEN, -1 }, [PAIR_LABEL] = { COLOR_BLUE, -1 },
		[PAIR_HEAD] = { COLOR_WHITE, COLOR_BLUE }, [PAIR_SEL] = { COLOR_WHITE, COLOR_BLUE },
		[PAIR_KEY] = { COLOR_WHITE, COLOR_BLUE },
	},
};

bool dash_style_init(enum theme theme, bool want)
{
	if (!want || theme == THEME_MONO || !term_colors())
		return false;
	if (theme == THEME_256 && COLORS < 256)
		theme = THEME_DEFAULT;
	for (int p = PAIR_BAD; p <= PAIR_KEY; p++)
		init_pair((short)p, palettes[theme][p][0], palettes[theme][p][1]);
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
