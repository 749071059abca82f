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
			/* -e is code for perl, ruby, node, julia and R, but errexit for shells. */
			if (strcmp(a, "-c") == 0 || (strcmp(a, "-e") == 0 && !group_is_shell(prog))) {
				snprintf(out, cap, "%s %s", prog, a);
				return;
			}
			if (a[0] != '-') {
				snprintf(out, cap, "%s %s", prog, base_name(a));
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
