/*
 * dash_tune.c — t on the dashboard: the selected group turned into a tuning (its
 * command with {} where the members differ, and the values seen there as inputs),
 * confirmed or edited on the bottom line, then `coretop tune` run as a child on the
 * same terminal while the dashboard waits, paused.
 */
#include "tui/dash_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui/prompt.h"

/* Split LINE in place on spaces (the snapshot keeps argv joined by spaces). */
static int split_words(char *line, char **words, int cap)
{
	char *save = NULL;
	int n = 0;

	for (char *w = strtok_r(line, " ", &save); w && n < cap; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	return n;
}

/*
 * The group as a tuning: the first member's command line with the first word that
 * differs between members as {}, and the values seen in that place as the inputs.
 */
static void tune_template(const struct snapshot *snap, const struct group *g, char *cmd,
			  size_t ccap, char *inputs, size_t icap)
{
	char first[4096], other[4096], *fw[256], *ow[256];
	int nf, hole = -1;

	snprintf(first, sizeof(first), "%s", snap->procs[g->procs[0]].cmdline);
	nf = split_words(first, fw, 256);
	for (int k = 1; k < g->nprocs && hole < 0; k++) {
		int no;

		snprintf(other, sizeof(other), "%s", snap->procs[g->procs[k]].cmdline ?
						     snap->procs[g->procs[k]].cmdline : "");
		no = split_words(other, ow, 256);
		for (int i = 0; i < nf && i < no; i++)
			if (strcmp(fw[i], ow[i])) {
				hole = i;
				break;
			}
	}
	cmd[0] = inputs[0] = '\0';
	for (int i = 0; i < nf; i++) {
		size_t len = strlen(cmd);

		snprintf(cmd + len, ccap - len, "%s%s", i ? " " : "", i == hole ? "{}" : fw[i]);
	}
	for (int k = 0; hole >= 0 && k < g->nprocs; k++) {
		char *w[256], buf[4096];
		size_t len = strlen(inputs);

		snprintf(buf, sizeof(buf), "%s", snap->procs[g->procs[k]].cmdline ?
						 snap->procs[g->procs[k]].cmdline : "");
		if (split_words(buf, w, 256) > hole && !strstr(inputs, w[hole]))
			snprintf(inputs + len, icap - len, "%s%s", len ? "," : "", w[hole]);
	}
}

/*
 * The tuner runs as a child `coretop tune`: its screen owns the terminal while the
 * dashboard waits, and two curses states never mix. Ctrl-C then belongs to the tuner
 * (which stops its jobs and returns here), not to the dashboard.
 */
static int run_tuner(char **argv)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_term;
	int status = 1;
	pid_t pid;

	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGTERM, &ign, &old_term);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		/* this very program, even if its file was replaced since it started */
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return pid < 0 ? 1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* t: confirm or edit the command and the inputs, then run the tuner screen. Sampling
 * pauses meanwhile: the monitor's own reads would be noise in the tuner's figures. */
void dash_tune(struct dash *d)
{
	const struct group *g = NULL;
	char cmd[4096], inputs[1024], *argv[300];
	int argc = 0, status;

	if (d->snap && d->level == LEVEL_GROUPS && !d->gone)
		g = table_selected(dash_table(d));
	else if (d->snap && d->scope.group_key)
		g = snapshot_group(d->snap, d->scope.group_key);
	if (!g || g->nprocs == 0 || !d->snap->procs[g->procs[0]].cmdline ||
	    d->snap->procs[g->procs[0]].kthread) {
		dash_say(d, "t: select a group of processes to tune");
		return;
	}
	tune_template(d->snap, g, cmd, sizeof(cmd), inputs, sizeof(inputs));
	if (!tui_prompt("tune command ({} = input, Esc cancels): ", cmd, sizeof(cmd)) ||
	    !tui_prompt("inputs (1..20, a,b,c; Esc cancels): ", inputs, sizeof(inputs))) {
		dash_say(d, "tuning cancelled");
		return;
	}
	argv[argc++] = "coretop";
	argv[argc++] = "tune";
	argv[argc++] = "--inputs";
	argv[argc++] = inputs;
	argv[argc++] = "--";
	argc += split_words(cmd, argv + argc, 290);
	argv[argc] = NULL;
	if (d->feed)
		feed_set_paused(d->feed, true);
	def_prog_mode();
	endwin();
	status = run_tuner(argv);
	reset_prog_mode();
	if (d->feed)
		feed_set_paused(d->feed, d->paused);
	if (status == 0)
		dash_say(d, "tuner finished; back to the dashboard");
	else
		dash_say(d, "tuner ended with status %d; back to the dashboard", status);
	clearok(curscr, TRUE);
}
