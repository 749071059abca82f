/*
 * group.c — which group a process belongs to.
 *
 * The default key, "job", puts together siblings with the same parent and the same
 * program and script, so ten `python3 job.py N` under one GNU parallel are one row
 * labelled "python3 job.py".
 */
#include "sampler/group.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const group_by_names[] = {
	[GROUP_JOB] = "job",
	[GROUP_PARENT] = "parent",
	[GROUP_PROGRAM] = "program",
	[GROUP_USER] = "user",
	[GROUP_CGROUP] = "cgroup",
};

int group_by_parse(const char *name, enum group_by *out)
{
	for (size_t i = 0; i < sizeof(group_by_names) / sizeof(group_by_names[0]); i++)
		if (strcmp(name, group_by_names[i]) == 0) {
			*out = (enum group_by)i;
			return 0;
		}
	return -EINVAL;
}

const char *group_by_name(enum group_by g)
{
	return group_by_names[g];
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/*
 * Interpreters whose first non-option argument names the job. A version suffix
 * ("python3.11", "perl5.36") is allowed after the stem.
 */
static const char *const interpreters[] = {
	"python", "perl", "ruby", "node", "nodejs", "Rscript", "julia",
	"sh", "bash", "dash", "zsh", "ksh",
};

/* Interpreter options that take the next argument as their value. */
static const char *const valued_options[] = {
	"-W", "-X", "-Q",                   /* python */
	"-t", "-p", "-J", "--threads", "--procs", "--project", /* julia */
	"-r", "--require", "--import",     /* node */
	"-o", "-O",                         /* sh, bash */
};

static int takes_value(const char *opt)
{
	for (size_t i = 0; i < sizeof(valued_options) / sizeof(valued_options[0]); i++)
		if (strcmp(opt, valued_options[i]) == 0)
			return 1;
	return 0;
}

int group_is_shell(const char *prog)
{
	return strcmp(prog, "sh") == 0 || strcmp(prog, "bash") == 0 || strcmp(prog, "dash") == 0 ||
	       strcmp(prog, "zsh") == 0 || strcmp(prog, "ksh") == 0;
}

int group_is_interpreter(const char *prog)
{
	for (size_t i = 0; i < sizeof(interpreters) / sizeof(interpreters[0]); i++) {
		size_t n = strlen(interpreters[i]);
		const char *p;

		if (strncmp(prog, interpreters[i], n) != 0)
			continue;
		for (p = prog + n; *p; p++)
			if (!isdigit((unsigned char)*p) && *p != '.')
				break;
		if (!*p)
			return 1;
	}
	return 0;
}

/* Kernel threads: "kworker/0:1-events" and "kworker/1:2" are one program. */
static void kthread_stem(const char *comm, char *out, size_t cap)
{
	size_t n = strcspn(comm, "/:");

	while (n > 0 && isdigit((unsigned char)comm[n - 1]))
		n--;
	if (n == 0)
		n = strlen(comm);
	snprintf(out, cap, "[%.*s]", (int)n, comm);
}

void group_program(const struct group_input *in, char *prog, size_t cap)
{
	if (in->kthread || in->argc == 0) {
		if (in->kthread)
			kthread_stem(in->comm, prog, cap);
		else
			snprintf(prog, cap, "[%s]", in->comm);
		return;
	}
	snprintf(prog, cap, "%s", base_name(in->argv[0]));
}

/*
 * A script a shell reads from a descriptor (`bash /dev/fd/3`, `bash <(…)`) or a file
 * named only by a number: its base name ("3") says nothing, so the label keeps the path.
 */
static const char *script_name(const char *path)
{
	const char *base = base_name(path);

	if (strncmp(path, "/dev/fd/", 8) == 0 || strncmp(path, "/proc/", 6) == 0 ||
	    (*base && strspn(base, "0123456789") == strlen(base)))
		return path;
	return base;
}

/* Words that only run the next one: skipped to find the command a script runs. */
static int is_prefix_word(const char *w)
{
	static const char *const words[] = { "exec", "command", "env", "nohup", "nice", "time",
					     "builtin" };
	const char *eq = strchr(w, '=');

	/* NAME=VALUE, an assignment before the command */
	if (eq && eq > w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				     "0123456789_") == (size_t)(eq - w))
		return 1;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(w, words[i]) == 0)
			return 1;
	return 0;
}

/*
 * `sh -c CODE`: what a person recognises is the command CODE starts with. The words
 * before the first operator (; | & < > ( ) ` or a newline), assignments and exec, env,
 * nohup… skipped, named as a job is ("python3 job.py"); a loop or other compound
 * command by its first words ("for i in 1"). Empty when CODE says nothing.
 */
static void shell_code_label(const char *code, char *out, size_t cap)
{
	char buf[256], *words[8], *save = NULL;
	int n = 0, first = 0;
	size_t len = strcspn(code, ";|&<>()`\n");

	snprintf(buf, sizeof(buf), "%.*s", (int)len, code);
	for (char *w = strtok_r(buf, " \t", &save); w && n < 8; w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	/* prefix words, their options, and a number after an option (nice -n 5) */
	while (first < n && (is_prefix_word(words[first]) || (first > 0 && words[first][0] == '-') ||
			     (first > 0 && words[first - 1][0] == '-' &&
			      strspn(words[first], "0123456789") == strlen(words[first]))))
		first++;
	out[0] = '\0';
	if (first >= n)
		return;
	if (strcmp(words[first], "for") == 0 || strcmp(words[first], "while") == 0 ||
	    strcmp(words[first], "until") == 0 || strcmp(words[first], "if") == 0 ||
	    strcmp(words[first], "case") == 0 || strcmp(words[first], "{") == 0) {
		size_t k = 0;

		for (int i = first; i < n && i < first + 4; i++)
			k += (size_t)snprintf(out + k, k < cap ? cap - k : 0, "%s%s", i > first ? " " : "",
					      words[i]);
		return;
	}
	group_job_label(&(struct group_input){ .comm = base_name(words[first]), .argc = n - first,
					       .argv = words + first },
			out, cap);
}

void group_job_label(const struct group_input *in, char *out, size_t cap)
{
	char prog[128];

	group_program(in, prog, sizeof(prog));
	if (in->argc > 1 && group_is_interpreter(prog)) {
		for (int i = 1; i < in->argc; i++) {
			const char *a = in->argv[i];

			/* `python3 -m pkg` and `sh -c '…'`: the option is the job's name. */
			if (strcmp(a, "-m") == 0 && i + 1 < in->argc) {
				snprintf(out, cap, "%s -m %s", prog, in->argv[i + 1]);
				return;
			}
			/* A shell's code is named by the command it starts with: `bash -c
			 * python3 job.py`, `sh -c for i in 1`. */
			if (strcmp(a, "-c") == 0 && group_is_shell(prog) && i + 1 < in->argc) {
				char code[192];

				/* recurses at most once more: the code's words have no spaces */
				shell_code_label(in->argv[i + 1], code, sizeof(code));
				snprintf(out, cap, code[0] ? "%s -c %s" : "%s -c", prog, code);
				return;
			}
			/* -e is code for perl, ruby, node, julia and R, but errexit for shells. */
			if (strcmp(a, "-c") == 0 || (strcmp(a, "-e") == 0 && !group_is_shell(prog))) {
				snprintf(out, cap, "%s %s", prog, a);
				return;
			}
			if (a[0] != '-') {
				snprintf(out, cap, "%s %s", prog, script_name(a));
				return;
			}
			if (takes_value(a))
				i++;
		}
	}
	snprintf(out, cap, "%s", prog);
}

/*
 * How Python starts the processes that work for a job, as joblib 1.2 and Python
 * 3.11's multiprocessing write them (seen in ps): `-c CODE` with the code's start, or
 * `-m MODULE`. The interpreter's own flags (-B, -s, -E, -I, -O, -W …, -X …) come first.
 */
static const struct worker_rule {
	enum worker_kind kind;
	const char *opt;   /* "-c": CODE starts with WHAT; "-m": MODULE is WHAT */
	const char *what;
} worker_rules[] = {
	{ WORKER_SPAWN, "-c", "from multiprocessing.spawn import spawn_main" },
	{ WORKER_FORKSERVER, "-c", "from multiprocessing.forkserver import main" },
	{ WORKER_TRACKER, "-c", "from multiprocessing.resource_tracker import main" },
	{ WORKER_TRACKER, "-c", "from joblib.externals.loky.backend.resource_tracker import main" },
	{ WORKER_TRACKER, "-c", "from loky.backend.resource_tracker import main" },
	{ WORKER_LOKY, "-m", "joblib.externals.loky.backend.popen_loky_posix" },
	{ WORKER_LOKY, "-m", "loky.backend.popen_loky_posix" },
};

enum worker_kind group_worker_kind(const struct group_input *in)
{
	char prog[128];
	int i = 1;

	group_program(in, prog, sizeof(prog));
	if (strncmp(prog, "python", 6) != 0 || !group_is_interpreter(prog))
		return WORKER_NONE;
	while (i + 1 < in->argc && in->argv[i][0] == '-' && strcmp(in->argv[i], "-c") != 0 &&
	       strcmp(in->argv[i], "-m") != 0)
		i += takes_value(in->argv[i]) ? 2 : 1;
	if (i + 1 >= in->argc)
		return WORKER_NONE;
	for (size_t r = 0; r < sizeof(worker_rules) / sizeof(worker_rules[0]); r++) {
		const struct worker_rule *w = &worker_rules[r];

		if (strcmp(in->argv[i], w->opt) != 0)
			continue;
		if (w->opt[1] == 'c' ? strncmp(in->argv[i + 1], w->what, strlen(w->what)) == 0
				     : strcmp(in->argv[i + 1], w->what) == 0)
			return w->kind;
	}
	return WORKER_NONE;
}

int group_worker_works(enum worker_kind k)
{
	return k == WORKER_FORK || k == WORKER_SPAWN || k == WORKER_LOKY;
}

void group_key(enum group_by by, const struct group_input *in, char *key, size_t kcap,
	       char *label, size_t lcap)
{
	char buf[256];

	switch (by) {
	case GROUP_JOB:
		group_job_label(in, buf, sizeof(buf));
		snprintf(key, kcap, "%d/%s", (int)in->ppid, buf);
		snprintf(label, lcap, "%s", buf);
		break;
	case GROUP_PARENT:
		snprintf(key, kcap, "%d", (int)in->ppid);
		snprintf(label, lcap, "children of %d%s%s", (int)in->ppid,
			 in->parent_comm ? " " : "", in->parent_comm ? in->parent_comm : "");
		break;
	case GROUP_PROGRAM:
		group_program(in, buf, sizeof(buf));
		snprintf(key, kcap, "%s", buf);
		snprintf(label, lcap, "%s", buf);
		break;
	case GROUP_USER:
		if (in->user)
			snprintf(key, kcap, "%s", in->user);
		else
			snprintf(key, kcap, "?");
		snprintf(label, lcap, "%s", key);
		break;
	case GROUP_CGROUP:
		snprintf(key, kcap, "%s", in->cgroup ? in->cgroup : "?");
		snprintf(label, lcap, "%s", key);
		break;
	}
}
