/*
 * prompt.h — small blocking dialogs on the last line of a curses screen, shared by the
 * dashboard and the tuner screen. They leave the screen in no-delay mode.
 */
#ifndef CORETOP_PROMPT_H
#define CORETOP_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Edit BUF (CAP bytes, its content the default) after LABEL, the cursor at its end:
 * Left and Right move it (by characters: a default may hold UTF-8), Home or Ctrl-A
 * and End or Ctrl-E jump, Backspace and Delete erase, Ctrl-U clears, printable ASCII
 * is inserted; a line wider than the screen scrolls to keep the cursor in view. Enter
 * accepts. False on Esc or when BUF is left empty.
 */
bool tui_prompt(const char *label, char *buf, size_t cap);

/* Ask QUESTION; true for y. */
bool tui_ask(const char *question);

#endif
