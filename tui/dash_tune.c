/*
 * dash_tune.c — t on the dashboard: the selected group turned into a tuning (its
 * command with {} where the members differ, and the values seen there as inputs), run
 * in the folder the job works in, with its program and the relative paths among its
 * arguments made absolute (`python3 job.py` started in /home/u reads
 * `/usr/bin/python3 /home/u/job.py`); command, folder and inputs are confirmed or
 * edited on the bottom line, then `coretop tune` runs as a child in that folder, on
 * the same terminal, while the dashboard waits, paused.
 */
#include "tui/dash_internal.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sampler/procfs.h"
#include "tui/prompt.h"
#include "sampler/escape.h"

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
 * The folder process PID works in, from PID/cwd under the proc root the dashboard
 * reads (--proc-root): the link, as the kernel writes it. Empty when it cannot be read
 * (another user's process): the caller falls back on its own.
 */
static void proc_cwd(const struct dash *d, pid_t pid, char *out, size_t cap)
{
	char path[32];
	int root = procfs_open_root(d->opt->proc_root);

	out[0] = '\0';
	if (root < 0)
		return;
	snprintf(path, sizeof(path), "%d/cwd", (int)pid);
	if (procfs_readlink_at(root, path, out, cap) <= 0)
		out[0] = '\0';
	close(root);
}

/* REL in folder DIR, "./" dropped: "job.py" in "/" is "/job.py", not "//job.py".
 * False when it does not fit in CAP bytes. */
static bool in_folder(const char *dir, const char *rel, char *out, size_t cap)
{
	size_t n = strlen(dir);

	while (rel[0] == '.' && rel[1] == '/')
		rel += 2;
	return (size_t)snprintf(out, cap, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/",
				rel) < cap;
}

/* The entry of this PATH that runs NAME as EXE (a link to it, as /usr/bin/python3 is
 * to python3.11); false when none does. */
static bool on_path(const char *name, const char *exe, char *out, size_t cap)
{
	const char *path = getenv("PATH");
	char real[PATH_MAX], cand[PATH_MAX];

	for (const char *at = path; at && *at;) {
		size_t n = strcspn(at, ":");

		snprintf(cand, sizeof(cand), "%.*s/%s", (int)n, at, name);
		if (n && realpath(cand, real) && !strcmp(real, exe)) {
			snprintf(out, cap, "%s", cand);
			return true;
		}
		at += n + (at[n] == ':');
	}
	return false;
}

/*
 * Word I of a member's command line as the tuner should run it from any folder: the
 * program (word 0) as an absolute path — a relative one against the job's folder CWD,
 * a bare name as the PATH entry that is the process's EXE, else EXE itself — and an
 * argument that names a file or folder in CWD by a relative path as that path in CWD.
 * A path with a space stays as it was: the command line is split on spaces, and the
 * tuner runs in CWD, where the relative one works.
 */
static void absolute_word(const char *word, int i, const char *cwd, const char *exe,
			  char *out, size_t cap)
{
	char real[PATH_MAX];
	struct stat st;

	snprintf(out, cap, "%s", word);
	if (word[0] == '/' || !cwd[0] || (i > 0 && word[0] == '-'))
		return;
	if (i == 0 && !strchr(word, '/')) {
		if (exe && !on_path(word, realpath(exe, real) ? real : exe, out, cap))
			snprintf(out, cap, "%s", exe);
	} else if (!in_folder(cwd, word, out, cap) || (i > 0 && stat(out, &st) < 0)) {
		snprintf(out, cap, "%s", word);
	}
	if (strchr(out, ' '))
		snprintf(out, cap, "%s", word);
}

/*
 * The group as a tuning: the first member's command line with the first word that
 * differs between members as {}, the others made absolute against its folder CWD, and
 * the values seen in that place as the inputs.
 */
static void tune_template(const struct snapshot *snap, const struct group *g, const char *cwd,
			  char *cmd, size_t ccap, char *inputs, size_t icap)
{
	const char *exe = snap->procs[g->procs[0]].exe;
	char first[4096], other[4096], *fw[256], *ow[256];
	int nf, hole = -1;

	if (exe && strstr(exe, " (deleted)"))
		exe = NULL; /* replaced since it started: its name runs something else now */

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
		char word[PATH_MAX];
		size_t len = strlen(cmd);

		absolute_word(fw[i], i, cwd, exe, word, sizeof(word));
		snprintf(cmd + len, ccap - len, "%s%s", i ? " " : "", i == hole ? "{}" : word);
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
 * The tuner runs as a child `coretop tune`, in folder DIR: its screen owns the
 * terminal while the dashboard waits, and two curses states never mix. Ctrl-C then
 * belongs to the tuner (which stops its jobs and returns here), not to the dashboard.
 */
static int run_tuner(char **argv, const char *dir)
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
		/* the jobs open their files relative to where they were started */
		if (chdir(dir) < 0) {
			char shown[512]; /* the folder a process named: escaped */

			report_escape(dir, shown, sizeof(shown), 0);
			fprintf(stderr, "coretop: cannot enter %s: %s\n", shown, strerror(errno));
			_exit(126);
		}
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

/*
 * The tuning of G as the user confirms it: the command, the folder (its first
 * member's, else ours) and the inputs, each edited on the bottom line. False when cancelled or
 * when the folder is not one (said on the key bar).
 */
static bool ask_tuning(struct dash *d, const struct group *g, char *dir, size_t dcap,
		       char *cmd, size_t ccap, char *inputs, size_t icap)
{
	struct stat st;

	proc_cwd(d, d->snap->procs[g->procs[0]].pid, dir, dcap);
	tune_template(d->snap, g, dir, cmd, ccap, inputs, icap);
	if (!dir[0] && !getcwd(dir, dcap))
		dir[0] = '\0';
	if (!tui_prompt("tune command ({} = input, Esc cancels): ", cmd, ccap) ||
	    !tui_prompt("run in folder (Esc cancels): ", dir, dcap) ||
	    !tui_prompt("inputs (1..20, a,b,c; Esc cancels): ", inputs, icap)) {
		dash_say(d, "tuning cancelled");
		return false;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		dash_say(d, "t: %s is not a folder: tuning cancelled", dir);
		return false;
	}
	return true;
}

/* t: confirm or edit the command, the folder and the inputs, then run the tuner
 * screen. Sampling pauses meanwhile: the monitor's own reads would be noise in the
 * tuner's figures. */
void dash_tune(struct dash *d)
{
	const struct group *g = NULL;
	char dir[PATH_MAX], cmd[8192], inputs[1024], *argv[300];
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
	if (!ask_tuning(d, g, dir, sizeof(dir), cmd, sizeof(cmd), inputs, sizeof(inputs)))
		return;
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
	status = run_tuner(argv, dir);
	reset_prog_mode();
	if (d->feed)
		feed_set_paused(d->feed, d->paused);
	if (status == 0)
		dash_say(d, "tuner finished; back to the dashboard");
	else
		dash_say(d, "tuner ended with status %d; back to the dashboard", status);
	clearok(curscr, TRUE);
}
