/*
 * procfs.h — the small read layer between the sampler and the files under a proc
 * root (and a sys root). Every read is relative to a directory descriptor, so tests
 * and replays point coretop at a captured tree with --proc-root / --sys-root.
 *
 * Ownership: the caller owns every buffer and descriptor. Functions return the number
 * of bytes read (>= 0) or a negative errno; they never print. A vanished process
 * shows up as -ENOENT or -ESRCH, which callers treat as normal, not as an error.
 *
 * Files are opened non-blocking and must be regular files (everything the kernel makes
 * under /proc and /sys is): a FIFO, device or socket in a captured tree gives -EINVAL
 * at once instead of a hang or an endless read. Reads stop at the caller's CAP.
 *
 * Fault injection: tests set procfs_fault_hook to make chosen reads fail (e.g. a
 * process that vanishes between listing and reading), as curl's torture tests do.
 */
#ifndef CORETOP_PROCFS_H
#define CORETOP_PROCFS_H

#include <dirent.h>
#include <stddef.h>
#include <sys/types.h>

/* Open DIR as a directory to read relative to. Returns an fd or -errno. */
int procfs_open_root(const char *dir);

/* Open the regular file PATH (relative to DIRFD) read-only, close-on-exec. Returns an
 * fd, -EINVAL when PATH is not a regular file, or -errno. */
int procfs_open(int dirfd, const char *path);

/*
 * Read a whole small file from offset 0 of an open descriptor into BUF (at most
 * CAP - 1 bytes) and NUL-terminate it. /proc files regenerate their content on every
 * read from offset 0, so this is how kept-open files are re-read (pread, no seek).
 */
ssize_t procfs_pread(int fd, char *buf, size_t cap);

/* Open, read and close PATH relative to DIRFD; same contract as procfs_pread. */
ssize_t procfs_read_at(int dirfd, const char *path, char *buf, size_t cap);

/* A directory under DIRFD to list; NULL with *ERR a negative errno on failure. */
DIR *procfs_opendir_at(int dirfd, const char *path, int *err);

/* Read the target of the symbolic link PATH relative to DIRFD (NUL-terminated). */
ssize_t procfs_readlink_at(int dirfd, const char *path, char *buf, size_t cap);

/*
 * Test hook, NULL in the product: when set, called once before every open, read and
 * readlink with the path (NULL for a pread on a kept descriptor). A negative return is
 * used as the call's result (-ENOENT, -EACCES, -EIO, -ESRCH…); a positive N makes the
 * read a short one of at most N bytes; 0 lets the call go on.
 */
extern int (*procfs_fault_hook)(const char *path);

/*
 * Read FD to its end into *BUF (malloc'd, NUL-terminated; the caller frees it) and
 * *LEN: a whole file of the user's (tune's inputs, export's result, the settings), not
 * a /proc file. Returns 0, -EFBIG when there is more than MAX bytes, -ENOMEM, or the
 * read's -errno; *BUF is NULL on error. EINTR is retried.
 */
int read_all_fd(int fd, size_t max, char **buf, size_t *len);

#endif
