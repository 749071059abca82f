/*
 * prompt.h — small blocking dialogs on the last line of a curses screen, shared by the
 * dashboard and the tuner screen. They leave the screen in no-delay mode.
 */
#ifndef CORETOP_PROMPT_H
#define CORETOP_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

/* Edit BUF (CAP bytes, its content the default) after LABEL. False on Esc or empty. */
bool tui_prompt(const char *label, char *buf, size_t cap);

/* Ask QUESTION; true for y. */
bool tui_ask(const char *question);

#endif
