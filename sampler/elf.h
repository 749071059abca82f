/*
 * elf.h — what a shared library says about itself: its SONAME, the libraries it needs
 * (DT_NEEDED), which of a list of symbols it defines, and for some of those the
 * constant they return. coretop names a thread pool from this (pools.h), because file
 * names lie: Debian names both of its threaded OpenBLAS builds libopenblasp-r0.3.21.so,
 * conda and pip rename them, people build their own.
 *
 * A library is read through a callback (struct elf_src) at the offsets its headers
 * point to, never as a whole: libopenblas is 30 MB, and only its headers, its dynamic
 * section, a few words of its GNU hash table and a few symbols matter. Each piece read is parsed as
 * a buffer by the functions below, so tests feed fixtures and fuzzers feed bytes.
 *
 * Bounds: at most ELF_READ_MAX bytes and ELF_READS_MAX reads per library (past them
 * the symbol lookups fail, the SONAME and DT_NEEDED still count); a library with no
 * GNU hash table (DT_HASH alone: toolchains before 2006) has no symbols read; a
 * search of .rodata, when asked, reads at most ELF_SCAN_MAX more. Only 64-bit little-endian objects are read (x86-64,
 * aarch64, ppc64le, riscv64, …): anything else is -ENOTSUP, and the caller falls back
 * to the file's name.
 *
 * Ownership: plain values; nothing here allocates or keeps a pointer. Any thread.
 */
#ifndef CORETOP_ELF_H
#define CORETOP_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_READ_MAX   (64u << 10)
#define ELF_READS_MAX  512
#define ELF_SYMS_MAX   32   /* symbols one query may ask for */
#define ELF_NEEDED_MAX 16   /* DT_NEEDED entries kept */
#define ELF_NAME_MAX   64   /* SONAME and DT_NEEDED names kept, truncated */
#define ELF_SCAN_MAX   (1u << 20) /* bytes of .rodata searched for strings */

/* Read LEN bytes at OFF into BUF: returns the bytes read (short at the end of the
 * file), or a negative errno. */
struct elf_src {
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	void *ctx;
};

/* What to look for: SYMBOLS[i] (exact dynamic symbol names); for those whose bit is set
 * in PROBE, also the constant the function returns when its code is just that. */
struct elf_query {
	const char *const *symbols;
	int nsymbols;           /* at most ELF_SYMS_MAX */
	uint32_t probe;
	/* Strings to look for in .rodata, only when one of the symbols in STRINGS_IF is
	 * defined (a build that says which it is in no symbol: BLIS inside Debian's
	 * libblas.so.3 reads BLIS_NUM_THREADS only when threaded). At most 32. */
	const char *const *strings;
	int nstrings;
	uint32_t strings_if;
};

struct elf_info {
	uint16_t machine;       /* e_machine: EM_X86_64, EM_AARCH64, … */
	char soname[ELF_NAME_MAX];              /* "" when none */
	int nneeded;
	char needed[ELF_NEEDED_MAX][ELF_NAME_MAX];
	bool symbols_read;      /* a hash table was found and read: `defined` means it */
	uint32_t defined;       /* bit i: symbols[i] is defined here (not an import) */
	uint64_t values[ELF_SYMS_MAX]; /* for defined symbols: st_value, a link-time address */
	bool strings_read;      /* .rodata was searched: `has_string` means it */
	uint32_t has_string;    /* bit i: strings[i] is in .rodata */
	uint64_t first_vaddr;   /* of the first PT_LOAD: run-time address - link-time one
				 * = where offset 0 is mapped - first_vaddr */
	int returns[ELF_SYMS_MAX]; /* for probed, defined symbols: the constant, or -1 */
};

/*
 * Read the library behind SRC and answer Q. 0 with *OUT filled; -ENOTSUP for an ELF
 * this does not read (32-bit, big-endian), -EINVAL for a file that is not a well-formed
 * ELF object, or the read callback's error.
 */
int elf_inspect(const struct elf_src *src, const struct elf_query *q, struct elf_info *out);

/* Whether INFO needs a library whose name starts with PREFIX ("libgomp"). */
bool elf_needs(const struct elf_info *info, const char *prefix);

/* ---- the pieces, each a parser over the bytes read ------------------------------- */

#define ELF_LOADS_MAX 16

struct elf_file {
	uint16_t machine;
	uint64_t phoff, shoff;
	uint16_t phnum, phentsize, shnum, shstrndx;
	int nloads;
	struct { uint64_t vaddr, offset, filesz; } load[ELF_LOADS_MAX];
	uint64_t dyn_off, dyn_size;     /* PT_DYNAMIC */
};

/* The ELF header (the first 64 bytes). 0, -ENOTSUP or -EINVAL. */
int elf_parse_ehdr(const void *buf, size_t len, struct elf_file *f);

/* The program headers (phnum entries of phentsize at phoff): PT_LOAD and PT_DYNAMIC. */
int elf_parse_phdrs(const void *buf, size_t len, struct elf_file *f);

/* A section header (64 bytes): its name's offset in the section names, type, place. */
struct elf_shdr {
	uint32_t name, type;
	uint64_t offset, size;
};

int elf_parse_shdr(const void *buf, size_t len, struct elf_shdr *sh);

/* The file offset of virtual address VADDR (a PT_LOAD's file bytes), or -1. */
int64_t elf_offset_of(const struct elf_file *f, uint64_t vaddr);

/* The dynamic section's entries coretop uses, as virtual addresses or string offsets. */
struct elf_dynamic {
	uint64_t strtab, strsz, symtab, gnu_hash;  /* 0 when absent */
	int64_t soname;                 /* offset in the string table; -1 none */
	int nneeded;
	uint64_t needed[ELF_NEEDED_MAX];
};

int elf_parse_dynamic(const void *buf, size_t len, struct elf_dynamic *d);

/* A GNU hash table's header (16 bytes); the bloom filter (bloom_size words of 8
 * bytes), the buckets (nbuckets words of 4) and the chains follow it. */
struct elf_gnu_hash {
	uint32_t nbuckets, symoffset, bloom_size, bloom_shift;
};

int elf_parse_gnu_hash(const void *buf, size_t len, struct elf_gnu_hash *h);
uint32_t elf_gnu_hash_of(const char *name);
/* The bloom word HASH falls in, and whether that word lets it be in the table (false
 * means surely not). */
uint32_t elf_gnu_bloom_word(const struct elf_gnu_hash *h, uint32_t hash);
bool elf_gnu_bloom_maybe(const struct elf_gnu_hash *h, uint64_t word, uint32_t hash);

/* One Elf64_Sym: its name's offset, its value, its section (0: an import). */
struct elf_sym {
	uint32_t name;
	uint8_t info;
	uint16_t shndx;
	uint64_t value;
};

int elf_parse_sym(const void *buf, size_t len, struct elf_sym *s);

/*
 * The constant a function returns when its first instructions are only `return N`
 * (x86-64: `mov $N, %eax; ret`, `xor %eax, %eax; ret`, after an optional endbr64;
 * aarch64: `mov w0, #N; ret`): how OpenBLAS's openblas_get_parallel() and BLIS's
 * bli_info_get_enable_openmp() say which build they are. -1 for anything else.
 */
int elf_const_return(uint16_t machine, const void *code, size_t len);

#endif
