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

bool tui_prompt(const char *label, char *buf, size_t cap)
{
	size_t len = strlen(buf);
	int ch;

	nodelay(stdscr, FALSE);
	curs_set(1);
	for (;;) {
		char line[2048];

		snprintf(line, sizeof(line), "%s%s", label, buf);
		last_line(line, false);
		ch = getch();
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
			break;
		if (ch == 27) {
			len = 0;
			break;
		}
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len > 0)
			buf[--len] = '\0';
		else if (ch == 21) /* Ctrl-U clears */
			buf[len = 0] = '\0';
		else if (ch >= 32 && ch < 127 && len + 1 < cap) {
			buf[len++] = (char)ch;
			buf[len] = '\0';
		}
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
