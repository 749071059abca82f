/*
 * group.h — grouping keys, as pure functions of what the sampler read.
 * Nothing here reads files or allocates; callers own every buffer.
 */
#ifndef CORETOP_GROUP_H
#define CORETOP_GROUP_H

#include <stddef.h>
#include <sys/types.h>

#include "sampler/snapshot.h"

/* Parse "job", "parent", … into *out; returns 0 or -EINVAL. */
int group_by_parse(const char *name, enum group_by *out);
const char *group_by_name(enum group_by g);

/* What a process contributes to its grouping key. Strings are borrowed. */
struct group_input {
	pid_t ppid;
	const char *comm;
	int kthread;
	int argc;
	char *const *argv;
	const char *user;        /* NULL when unknown */
	const char *cgroup;      /* NULL when unknown */
	const char *parent_comm; /* NULL when unknown */
};

/* 1 when PROG (a base name) is an interpreter whose script names the job. */
int group_is_interpreter(const char *prog);

/* 1 when PROG is a POSIX-style shell (sh, bash, dash, zsh, ksh). */
int group_is_shell(const char *prog);

/* Program name: argv[0]'s base name, or "[comm]" for kernel threads and zombies. */
void group_program(const struct group_input *in, char *prog, size_t cap);

/* "python3 job.py", "sh -c python3 job.py", "bash -c for i in 1", "bash /dev/fd/3",
 * "python3 -m pkg", "make", "[kworker]". */
void group_job_label(const struct group_input *in, char *out, size_t cap);

/*
 * The worker a Python process is by its own arguments alone: multiprocessing's spawn
 * workers, forkserver and resource tracker, loky's workers and resource tracker.
 * WORKER_NONE for anything else, fork workers included (they are copies of their
 * parent: only parentage tells them, sampler/workers.c).
 */
enum worker_kind group_worker_kind(const struct group_input *in);

/* 1 when a worker of kind K does its job's work; 0 when it only serves the workers
 * (forkserver, resource trackers) or is no worker. */
int group_worker_works(enum worker_kind k);

/* The key (unique per group) and the label (shown to people) under BY. */
void group_key(enum group_by by, const struct group_input *in, char *key, size_t kcap,
	       char *label, size_t lcap);

#endif
