/*
 * dash_actions.c — F9 or x, n, F7 and F8, a on the dashboard: a signal, a nice value or
 * a CPU affinity for the selected row (at the groups level every member of the group,
 * at the processes level the process, at the threads level the thread: a signal then
 * goes to its process, and the question says so). The signal menu takes the table's
 * place; the prompt and the question take the key bar's row; every action is asked
 * (y alone goes on) and its outcome, the kernel's reason for each refusal included,
 * stays on the key bar long enough to read. Acting itself is tui/actions.c's.
 *
 * The target is taken when the key is pressed and kept in d->act while the menu, the
 * prompt or the question is up: snapshots keep coming meanwhile, and whatever they
 * show, the processes acted on are those the user saw selected, each checked by pid
 * and start time right before (actions.h). So acting while paused is allowed: the
 * frozen screen's processes are checked against the kernel just the same, and one
 * that has exited or whose pid was reused is reported, never touched.
 *
 * Nothing is done under --proc-root (a captured tree's pids are not this machine's).
 */
#include "tui/dash_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sampler/escape.h"
#include "tui/actions.h"

/* How long an outcome stays: a moment to read each word of it. */
#define SAY_BASE_S 4.0
#define SAY_PER_CHAR_S 0.05
#define SAY_MOST_S 15.0

bool dash_act_mode(const struct dash *d)
{
	return d->mode == MODE_SIGNAL || d->mode == MODE_ASK || d->mode == MODE_CONFIRM;
}

/* TEXT on the key bar for as long as it takes to read it. */
static void say_long(struct dash *d, const char *text)
{
	double secs = SAY_BASE_S + SAY_PER_CHAR_S * (double)strlen(text);

	dash_say(d, "%s", text);
	d->msg_until = dash_now() + (secs < SAY_MOST_S ? secs : SAY_MOST_S);
}

static void act_end(struct dash *d)
{
	action_request_release(&d->act);
	d->act_text[0] = '\0';
	d->mode = MODE_NORMAL;
	d->dirty = true;
}

static void act_cancel(struct dash *d)
{
	char what[300];

	if (d->mode == MODE_SIGNAL)
		dash_say(d, "signal cancelled: nothing sent");
	else if (d->mode == MODE_ASK)
		dash_say(d, "%s cancelled: nothing changed",
			 d->act.kind == ACTION_NICE ? "nice" : "affinity");
	else {
		action_what(&d->act, what, sizeof(what));
		dash_say(d, "%s cancelled: nothing %s", what,
			 d->act.kind == ACTION_SIGNAL ? "sent" : "changed");
	}
	act_end(d);
}

/* The thread level's process, as the table scoped it. */
static const struct proc_info *scope_proc(const struct dash *d)
{
	for (size_t i = 0; i < d->snap->nprocs; i++)
		if (d->snap->procs[i].pid == d->scope.pid && d->snap->procs[i].start == d->scope.start)
			return &d->snap->procs[i];
	return NULL;
}

/* d->act's target from the selected row, for action KIND; false (said why) when there
 * is none or acting is refused. */
static bool pick_target(struct dash *d, enum action_kind kind)
{
	const char *refused = action_refused(d->opt->proc_root);
	const void *row = d->snap && !d->gone ? table_selected(dash_table(d)) : NULL;
	unsigned esc = d->utf8 ? 0 : ESCAPE_ASCII;
	const struct proc_info *p;
	int err = -ENOENT;

	action_request_release(&d->act);
	memset(&d->act, 0, sizeof(d->act));
	d->act.kind = kind;
	if (refused) {
		say_long(d, refused);
		return false;
	}
	/* the row acted on stays selected, wherever the next snapshots sort it */
	if (row)
		table_select(dash_table(d), dash_table(d)->sel);
	d->msg[0] = '\0';
	if (row && d->level == LEVEL_GROUPS)
		err = action_target_group(&d->act, d->snap, row, esc);
	else if (row && d->level == LEVEL_PROCS)
		err = action_target_process(&d->act, row, esc);
	else if (row && (p = scope_proc(d)))
		err = action_target_thread(&d->act, p, row, esc);
	if (err == -ENOMEM)
		dash_say(d, "out of memory: nothing done");
	else if (err && row && d->level == LEVEL_GROUPS)
		dash_say(d, "this group has no live process to act on");
	else if (err)
		dash_say(d, "select a group, a process or a thread first");
	return err == 0;
}

/* x F9: the signal menu, TERM first. */
void dash_act_signal(struct dash *d)
{
	if (!pick_target(d, ACTION_SIGNAL))
		return;
	d->menu_sel = 0;
	d->mode = MODE_SIGNAL;
}

/* n: the nice value, the target's present one offered. */
void dash_act_nice(struct dash *d)
{
	if (!pick_target(d, ACTION_NICE))
		return;
	d->act.nice_known = action_current_nice(&d->act.target, &d->act.nice_now) == 0;
	if (d->act.nice_known)
		snprintf(d->act_text, sizeof(d->act_text), "%d", d->act.nice_now);
	else
		d->act_text[0] = '\0';
	d->mode = MODE_ASK;
}

/* F7, F8: the present nice value less or more one, straight to the question. */
static void nice_step(struct dash *d, int step)
{
	char why[200];
	int err;

	if (!pick_target(d, ACTION_NICE))
		return;
	err = action_current_nice(&d->act.target, &d->act.nice_now);
	if (err) {
		action_reason(ACTION_NICE, err, why, sizeof(why));
		dash_say(d, "nice: cannot read pid %d's: %s", (int)d->act.target.procs[0].pid, why);
		act_end(d);
		return;
	}
	d->act.nice_known = true;
	d->act.nice = d->act.nice_now + step;
	if (d->act.nice < NICE_MIN || d->act.nice > NICE_MAX) {
		dash_say(d, "nice is %d already: the %s", d->act.nice_now, step < 0 ? "fastest" : "slowest");
		act_end(d);
		return;
	}
	d->mode = MODE_CONFIRM;
}

void dash_act_nice_down(struct dash *d) { nice_step(d, -1); }
void dash_act_nice_up(struct dash *d) { nice_step(d, 1); }

/* a: the CPU list, the target's present affinity offered. */
void dash_act_affinity(struct dash *d)
{
	struct cpumask now;

	if (!pick_target(d, ACTION_AFFINITY))
		return;
	if (action_current_cpus(&d->act.target, &now) == 0)
		action_format_cpus(&now, d->act_text, sizeof(d->act_text));
	else
		d->act_text[0] = '\0';
	d->mode = MODE_ASK;
}

/* ---- keys ------------------------------------------------------------------------- */

static void perform(struct dash *d)
{
	struct action_result *res = calloc((size_t)d->act.target.nprocs, sizeof(*res));
	char text[600];

	if (!res) {
		dash_say(d, "out of memory: nothing done");
		act_end(d);
		return;
	}
	action_perform(&d->act, res);
	action_summary(&d->act, res, text, sizeof(text));
	free(res);
	act_end(d);
	say_long(d, text);
}

/* Enter at the prompt: a value that parses goes to the question, else one message
 * says why and nothing changes. */
static void prompt_done(struct dash *d)
{
	struct cpumask online;
	char why[300];
	int err;

	if (d->act.kind == ACTION_NICE) {
		err = action_parse_nice(d->act_text, &d->act.nice, why, sizeof(why));
	} else {
		err = action_online_cpus(&online);
		if (err)
			snprintf(why, sizeof(why), "cannot tell the online CPUs: %s", strerror(-err));
		else
			err = action_parse_cpus(d->act_text, &online, &d->act.cpus, why, sizeof(why));
	}
	if (err) {
		act_end(d);
		say_long(d, why);
		return;
	}
	d->mode = MODE_CONFIRM;
}

static bool is_enter(int key, bool fn)
{
	return fn ? key == KEY_ENTER : key == '\n' || key == '\r';
}

static void key_prompt(struct dash *d, int key, bool fn)
{
	size_t n = strlen(d->act_text);

	if (is_enter(key, fn))
		prompt_done(d);
	else if (!fn && key == 27)
		act_cancel(d);
	else if ((fn && key == KEY_BACKSPACE) || (!fn && (key == 127 || key == 8)))
		d->act_text[n ? n - 1 : 0] = '\0';
	else if (!fn && key == 21) /* Ctrl-U */
		d->act_text[0] = '\0';
	else if (!fn && key >= ' ' && key < 127 && n + 1 < sizeof(d->act_text)) {
		d->act_text[n] = (char)key;
		d->act_text[n + 1] = '\0';
	}
}

static void key_menu(struct dash *d, int key, bool fn)
{
	if ((fn && key == KEY_UP) || (!fn && key == 'k'))
		d->menu_sel = d->menu_sel > 0 ? d->menu_sel - 1 : 0;
	else if ((fn && key == KEY_DOWN) || (!fn && key == 'j'))
		d->menu_sel = d->menu_sel + 1 < action_nsignals ? d->menu_sel + 1 : d->menu_sel;
	else if ((fn && key == KEY_HOME))
		d->menu_sel = 0;
	else if ((fn && key == KEY_END))
		d->menu_sel = action_nsignals - 1;
	else if (is_enter(key, fn)) {
		d->act.sig = action_signals[d->menu_sel].sig;
		d->mode = MODE_CONFIRM;
	} else if ((!fn && (key == 27 || key == 'q' || key == 'x')) || (fn && key == KEY_F(9)))
		act_cancel(d);
}

void dash_act_key(struct dash *d, int key, bool fn)
{
	d->dirty = true;
	if (d->mode == MODE_SIGNAL)
		key_menu(d, key, fn);
	else if (d->mode == MODE_ASK)
		key_prompt(d, key, fn);
	else if (!fn && (key == 'y' || key == 'Y'))
		perform(d);
	else
		act_cancel(d);
}

/* A click on a signal picks it; anywhere else it cancels. */
void dash_act_click(struct dash *d, int y)
{
	if (d->mode == MODE_SIGNAL && y >= d->menu_y && y < d->menu_y + d->menu_rows &&
	    d->menu_top + y - d->menu_y < action_nsignals) {
		d->menu_sel = d->menu_top + y - d->menu_y;
		key_menu(d, '\n', false);
		return;
	}
	act_cancel(d);
}

/* ---- drawing ---------------------------------------------------------------------- */

/* 'the target' for the menu and the prompt: '3 processes of "job"', 'process 12 "job"'. */
static void target_short(const struct action_target *t, char *out, size_t cap)
{
	if (t->kind == TARGET_GROUP)
		snprintf(out, cap, "%d process%s of \"%s\"", t->nprocs, t->nprocs == 1 ? "" : "es", t->name);
	else if (t->kind == TARGET_PROCESS)
		snprintf(out, cap, "process %d \"%s\"", (int)t->procs[0].pid, t->name);
	else
		snprintf(out, cap, "thread %d of process %d \"%s\"", (int)t->tid, (int)t->procs[0].pid,
			 t->name);
}

void dash_draw_signal_menu(struct dash *d, int y0, int rows)
{
	int w = getmaxx(stdscr), shown = rows - 1;
	char title[400], who[300];

	target_short(&d->act.target, who, sizeof(who));
	d->menu_top = shown > 0 && d->menu_sel >= shown ? d->menu_sel - shown + 1 : 0;
	d->menu_y = y0 + 1;
	d->menu_rows = shown;
	snprintf(title, sizeof(title), "Signal to %s%s (Enter picks, Esc cancels)", who,
		 d->act.target.kind == TARGET_THREAD ? ": goes to its whole process" : "");
	dash_put(d, y0, 0, w, ALIGN_LEFT, title,
	    A_BOLD | (d->color ? dash_pair(d, PAIR_HEAD) : A_REVERSE));
	for (int k = d->menu_top; k < action_nsignals && k - d->menu_top < shown; k++) {
		char text[200];

		snprintf(text, sizeof(text), "  %-5s %s", action_signals[k].name, action_signals[k].help);
		dash_put(d, d->menu_y + k - d->menu_top, 0, w, ALIGN_LEFT, text,
		    k == d->menu_sel ? (d->color ? dash_pair(d, PAIR_SEL) : A_REVERSE) : A_NORMAL);
	}
	for (int k = action_nsignals - d->menu_top; k < shown; k++)
		dash_put(d, d->menu_y + k, 0, w, ALIGN_LEFT, "", A_NORMAL);
}

/* The question cut, if it must be, before its "? y/N", which always shows. */
static void draw_question(struct dash *d, int y, int w)
{
	static const char tail[] = "? y/N";
	char q[800];
	size_t n;
	int tw = (int)sizeof(tail) - 1;

	action_question(&d->act, q, sizeof(q));
	n = strlen(q);
	if (n > (size_t)tw && !strcmp(q + n - tw, tail))
		q[n - tw] = '\0';
	if (w <= tw || text_width(q) + tw <= w) {
		dash_put(d, y, 0, w, ALIGN_LEFT, strcat(q, tail), A_BOLD);
		return;
	}
	dash_put(d, y, 0, w - tw, ALIGN_LEFT, q, A_BOLD);
	dash_put(d, y, w - tw, tw, ALIGN_LEFT, tail, A_BOLD);
}

bool dash_act_draw_bar(struct dash *d, int y)
{
	int w = getmaxx(stdscr);
	char text[600], who[300];

	if (d->mode == MODE_CONFIRM) {
		draw_question(d, y, w);
		return true;
	}
	if (d->mode != MODE_ASK)
		return false;
	target_short(&d->act.target, who, sizeof(who));
	/* what is typed first, so that it shows on the narrowest screen */
	if (d->act.kind == ACTION_NICE)
		snprintf(text, sizeof(text), "nice %d..%d: %s_   for %s%s; Enter, Esc cancels", NICE_MIN,
			 NICE_MAX, d->act_text, d->act.target.kind == TARGET_THREAD ? "" : "every thread of ", who);
	else
		snprintf(text, sizeof(text), "CPUs: %s_   for %s%s; Enter, Esc cancels", d->act_text,
			 d->act.target.kind == TARGET_THREAD ? "" : "every thread of ", who);
	dash_put(d, y, 0, w, ALIGN_LEFT, text, A_BOLD);
	return true;
}
