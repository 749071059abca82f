#include "tui/prompt.h"

#include <stdio.h>
#include <string.h>

#include <ncurses.h>

#include "sampler/report.h"
#include "tui/layout.h"

static void last_line(const char *s, bool bold)
{
	char esc[1024], out[2048];

	report_escape(s, esc, sizeof(esc), 0);
	/* a long line shows its end, where the cursor is */
	while (text_width(esc) > COLS - 1 && strlen(esc) > 1)
		memmove(esc, esc + 1, strlen(esc));
	text_fit(esc, COLS, ALIGN_LEFT, NULL, out, sizeof(out));
	mvhline(LINES - 1, 0, ' ', COLS);
	if (bold)
		attron(A_BOLD);
	mvaddstr(LINES - 1, 0, out);
	if (bold)
		attroff(A_BOLD);
	move(LINES - 1, text_width(esc) < COLS ? text_width(esc) : COLS - 1);
	refresh();
}

static bool continuation(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

/* LABEL and BUF on the last line, the cursor at byte POS of BUF: a line too long for
 * the screen scrolls so that the cursor stays on it. */
static void edit_line(const char *label, const char *buf, size_t pos)
{
	char full[4096], head[4096], esc[4096], out[8192];
	size_t start = 0, cur;
	int cx;

	snprintf(full, sizeof(full), "%s%s", label, buf);
	cur = strlen(label) + pos;
	if (cur > strlen(full))
		cur = strlen(full);
	for (;;) {
		snprintf(head, sizeof(head), "%.*s", (int)(cur - start), full + start);
		report_escape(head, esc, sizeof(esc), 0);
		if (text_width(esc) < COLS || start >= cur)
			break;
		/* a tenth of the screen at a time, so that the line does not crawl */
		for (int k = 0; k < (COLS > 10 ? COLS / 10 : 1) && start < cur; k++)
			while (++start < cur && continuation(full[start]))
				;
	}
	cx = text_width(esc);
	report_escape(full + start, esc, sizeof(esc), 0);
	text_fit(esc, COLS, ALIGN_LEFT, NULL, out, sizeof(out));
	mvhline(LINES - 1, 0, ' ', COLS);
	mvaddstr(LINES - 1, 0, out);
	move(LINES - 1, cx < COLS ? cx : COLS - 1);
	refresh();
}

/* One key of line editing on BUF (LEN bytes, CAP room) with the cursor at *POS. */
static void edit_key(int ch, char *buf, size_t *len, size_t cap, size_t *pos)
{
	size_t at = *pos;

	if (ch == KEY_LEFT && at > 0) {
		while (--at > 0 && continuation(buf[at]))
			;
	} else if (ch == KEY_RIGHT && at < *len) {
		while (++at < *len && continuation(buf[at]))
			;
	} else if (ch == KEY_HOME || ch == 1) { /* Ctrl-A */
		at = 0;
	} else if (ch == KEY_END || ch == 5) { /* Ctrl-E */
		at = *len;
	} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && at > 0) {
		size_t from = at;

		while (--at > 0 && continuation(buf[at]))
			;
		memmove(buf + at, buf + from, *len - from + 1);
		*len -= from - at;
	} else if (ch == KEY_DC && at < *len) {
		size_t to = at;

		while (++to < *len && continuation(buf[to]))
			;
		memmove(buf + at, buf + to, *len - to + 1);
		*len -= to - at;
	} else if (ch == 21) { /* Ctrl-U clears */
		buf[*len = at = 0] = '\0';
	} else if (ch >= 32 && ch < 127 && *len + 1 < cap) {
		memmove(buf + at + 1, buf + at, *len - at + 1);
		buf[at++] = (char)ch;
		(*len)++;
	}
	*pos = at;
}

bool tui_prompt(const char *label, char *buf, size_t cap)
{
	size_t len = strlen(buf), pos = len;
	int ch;

	nodelay(stdscr, FALSE);
	curs_set(1);
	for (;;) {
		edit_line(label, buf, pos);
		ch = getch();
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
			break;
		if (ch == 27) {
			len = 0;
			break;
		}
		edit_key(ch, buf, &len, cap, &pos);
	}
	curs_set(0);
	nodelay(stdscr, TRUE);
	return len > 0;
}

bool tui_ask(const char *question)
{
	int ch;

	last_line(question, true);
	nodelay(stdscr, FALSE);
	ch = getch();
	nodelay(stdscr, TRUE);
	return ch == 'y' || ch == 'Y';
}
