#include "sampler/elf.h"

#include <errno.h>
#include <string.h>

#define EM_X86_64_   62
#define EM_AARCH64_  183
#define PT_LOAD_     1
#define PT_DYNAMIC_  2
#define DT_NEEDED_   1
#define DT_STRTAB_   5
#define DT_SYMTAB_   6
#define DT_STRSZ_    10
#define DT_SONAME_   14
#define DT_GNU_HASH_ 0x6ffffef5
#define EHDR_SIZE    64
#define PHDR_SIZE    56
#define SHDR_SIZE    64
#define SHNUM_MAX    256
#define SCAN_CHUNK   (16u << 10)
#define SYM_SIZE     24
#define PHNUM_MAX    64
#define DYN_MAX      (64u << 10)
#define BLOOM_MAX    8192 /* bytes of bloom filter read at once (libopenblas: 4 KiB) */
#define CHAIN_MAX    4096 /* chain entries walked for one name: a real chain has a few */

/* The file is little-endian whatever the host is. */
static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

int elf_parse_ehdr(const void *buf, size_t len, struct elf_file *f)
{
	const unsigned char *b = buf;
	uint16_t type;

	memset(f, 0, sizeof(*f));
	if (len < EHDR_SIZE || memcmp(b, "\177ELF", 4) != 0)
		return -EINVAL;
	if (b[4] != 2 || b[5] != 1) /* ELFCLASS64, ELFDATA2LSB */
		return -ENOTSUP;
	type = le16(b + 16);
	if (type != 2 && type != 3) /* ET_EXEC, ET_DYN */
		return -EINVAL;
	f->machine = le16(b + 18);
	f->phoff = le64(b + 32);
	f->phentsize = le16(b + 54);
	f->phnum = le16(b + 56);
	if (f->phentsize != PHDR_SIZE || f->phnum == 0 || f->phnum > PHNUM_MAX)
		return -EINVAL;
	f->shoff = le64(b + 40);
	f->shnum = le16(b + 58) == SHDR_SIZE ? le16(b + 60) : 0; /* no table, or another kind */
	f->shstrndx = le16(b + 62);
	return 0;
}

int elf_parse_shdr(const void *buf, size_t len, struct elf_shdr *sh)
{
	const unsigned char *b = buf;

	if (len < SHDR_SIZE)
		return -EINVAL;
	sh->name = le32(b);
	sh->type = le32(b + 4);
	sh->offset = le64(b + 24);
	sh->size = le64(b + 32);
	return 0;
}

int elf_parse_phdrs(const void *buf, size_t len, struct elf_file *f)
{
	const unsigned char *b = buf;

	f->nloads = 0;
	f->dyn_off = f->dyn_size = 0;
	if (len < (size_t)f->phnum * PHDR_SIZE)
		return -EINVAL;
	for (int i = 0; i < f->phnum; i++) {
		const unsigned char *p = b + (size_t)i * PHDR_SIZE;
		uint32_t type = le32(p);

		if (type == PT_LOAD_ && f->nloads < ELF_LOADS_MAX) {
			f->load[f->nloads].offset = le64(p + 8);
			f->load[f->nloads].vaddr = le64(p + 16);
			f->load[f->nloads].filesz = le64(p + 32);
			f->nloads++;
		} else if (type == PT_DYNAMIC_) {
			f->dyn_off = le64(p + 8);
			f->dyn_size = le64(p + 32);
		}
	}
	return f->dyn_size ? 0 : -EINVAL; /* no dynamic section: nothing to say */
}

int64_t elf_offset_of(const struct elf_file *f, uint64_t vaddr)
{
	for (int i = 0; i < f->nloads; i++) {
		uint64_t v = f->load[i].vaddr, n = f->load[i].filesz;

		if (vaddr >= v && vaddr - v < n && f->load[i].offset <= INT64_MAX - (vaddr - v))
			return (int64_t)(f->load[i].offset + (vaddr - v));
	}
	return -1;
}

int elf_parse_dynamic(const void *buf, size_t len, struct elf_dynamic *d)
{
	const unsigned char *b = buf;

	memset(d, 0, sizeof(*d));
	d->soname = -1;
	for (size_t o = 0; o + 16 <= len; o += 16) {
		uint64_t tag = le64(b + o), val = le64(b + o + 8);

		switch (tag) {
		case 0:
			return 0;
		case DT_NEEDED_:
			if (d->nneeded < ELF_NEEDED_MAX)
				d->needed[d->nneeded++] = val;
			break;
		case DT_STRTAB_: d->strtab = val; break;
		case DT_SYMTAB_: d->symtab = val; break;
		case DT_STRSZ_: d->strsz = val; break;
		case DT_SONAME_: d->soname = val <= INT64_MAX ? (int64_t)val : -1; break;
		case DT_GNU_HASH_: d->gnu_hash = val; break;
		default: break;
		}
	}
	return 0;
}

int elf_parse_gnu_hash(const void *buf, size_t len, struct elf_gnu_hash *h)
{
	const unsigned char *b = buf;

	if (len < 16)
		return -EINVAL;
	h->nbuckets = le32(b);
	h->symoffset = le32(b + 4);
	h->bloom_size = le32(b + 8);
	h->bloom_shift = le32(b + 12);
	/* the bloom filter's size is a power of two; both must be there to look up */
	return h->nbuckets && h->bloom_size && !(h->bloom_size & (h->bloom_size - 1)) ? 0 : -EINVAL;
}

uint32_t elf_gnu_hash_of(const char *name)
{
	uint32_t h = 5381;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = h * 33 + *p;
	return h;
}

uint32_t elf_gnu_bloom_word(const struct elf_gnu_hash *h, uint32_t hash)
{
	return (hash / 64) % h->bloom_size;
}

bool elf_gnu_bloom_maybe(const struct elf_gnu_hash *h, uint64_t word, uint32_t hash)
{
	uint64_t mask = (uint64_t)1 << (hash % 64) | (uint64_t)1 << ((hash >> (h->bloom_shift % 32)) % 64);

	return (word & mask) == mask;
}

int elf_parse_sym(const void *buf, size_t len, struct elf_sym *s)
{
	const unsigned char *b = buf;

	if (len < SYM_SIZE)
		return -EINVAL;
	s->name = le32(b);
	s->info = b[4];
	s->shndx = le16(b + 6);
	s->value = le64(b + 8);
	return 0;
}

int elf_const_return(uint16_t machine, const void *code, size_t len)
{
	const unsigned char *c = code;

	if (machine == EM_X86_64_) {
		if (len >= 4 && memcmp(c, "\xf3\x0f\x1e\xfa", 4) == 0) { /* endbr64 */
			c += 4;
			len -= 4;
		}
		if (len >= 6 && c[0] == 0xb8 && c[5] == 0xc3 && le32(c + 1) < 1u << 16)
			return (int)le32(c + 1);
		if (len >= 3 && (c[0] == 0x31 || c[0] == 0x33) && c[1] == 0xc0 && c[2] == 0xc3)
			return 0;
		return -1;
	}
	if (machine == EM_AARCH64_) {
		uint32_t i0, i1;

		if (len >= 4 && (le32(c) == 0xd503245f || le32(c) == 0xd503233f)) { /* bti c, paciasp */
			c += 4;
			len -= 4;
		}
		if (len < 8 || le32(c + 4) != 0xd65f03c0) /* ret */
			return -1;
		i0 = le32(c);
		if ((i0 & 0xffe0001f) == 0x52800000) /* movz w0, #imm */
			return (int)((i0 >> 5) & 0xffff);
		i1 = i0;
		return i1 == 0x2a1f03e0 ? 0 : -1; /* mov w0, wzr */
	}
	return -1;
}

bool elf_needs(const struct elf_info *info, const char *prefix)
{
	size_t n = strlen(prefix);

	for (int i = 0; i < info->nneeded; i++)
		if (strncmp(info->needed[i], prefix, n) == 0)
			return true;
	return false;
}

/* ---- reading a library ---------------------------------------------------------- */

struct reader {
	const struct elf_src *src;
	size_t bytes;
	int reads;
	struct elf_file f;
	struct elf_dynamic d;
	int64_t strtab, symtab;   /* file offsets; -1 unknown */
};

/* Up to LEN bytes at OFF, within the budget: the count read, or < 0. */
static int rd_some(struct reader *r, uint64_t off, void *buf, size_t len)
{
	int n;

	if (r->reads >= ELF_READS_MAX || len > ELF_READ_MAX - r->bytes)
		return -E2BIG;
	r->reads++;
	r->bytes += len;
	n = r->src->read(r->src->ctx, off, buf, len);
	return n > (int)len ? -EINVAL : n;
}

/* The NUL-terminated string at OFF of the string table, truncated to CAP - 1. A string
 * may end before the table does, and the read may be short at the end of the file. */
static int rd_string(struct reader *r, uint64_t off, char *out, size_t cap)
{
	int n;

	out[0] = '\0';
	if (r->strtab < 0 || off >= r->d.strsz)
		return -EINVAL;
	n = rd_some(r, (uint64_t)r->strtab + off, out, cap - 1);
	if (n < 0)
		return n;
	out[n] = '\0';
	return 0;
}

/* Exactly LEN bytes at OFF, within the budget. */
static int rd(struct reader *r, uint64_t off, void *buf, size_t len)
{
	int n = rd_some(r, off, buf, len);

	return n < 0 ? n : (size_t)n == len ? 0 : -EINVAL;
}

static void read_names(struct reader *r, struct elf_info *out)
{
	if (r->d.soname >= 0)
		rd_string(r, (uint64_t)r->d.soname, out->soname, sizeof(out->soname));
	for (int i = 0; i < r->d.nneeded; i++)
		if (rd_string(r, r->d.needed[i], out->needed[out->nneeded], ELF_NAME_MAX) == 0 &&
		    out->needed[out->nneeded][0])
			out->nneeded++;
}

/* Symbol IDX, when its name is NAME. 1 found, 0 not this one, < 0 error. */
static int sym_is(struct reader *r, uint64_t idx, const char *name, struct elf_sym *s)
{
	unsigned char raw[SYM_SIZE];
	char got[ELF_NAME_MAX + 1];
	size_t n = strlen(name);
	int e;

	if (n + 1 >= sizeof(got))
		return 0;
	if ((e = rd(r, (uint64_t)r->symtab + idx * SYM_SIZE, raw, sizeof(raw))) < 0)
		return e;
	elf_parse_sym(raw, sizeof(raw), s);
	if (rd_string(r, s->name, got, n + 2) < 0)
		return 0;
	return strcmp(got, name) == 0;
}

/*
 * Look NAME up through the GNU hash table H at file offset AT, whose bloom filter is in
 * BLOOM when it was small enough to read at once (else NULL: read word by word). 1
 * found (in *S), 0 not.
 */
static int gnu_lookup(struct reader *r, const struct elf_gnu_hash *h, uint64_t at,
		      const unsigned char *bloom, const char *name, struct elf_sym *s)
{
	uint32_t hash = elf_gnu_hash_of(name), idx, word = elf_gnu_bloom_word(h, hash);
	uint64_t buckets = at + 16 + (uint64_t)h->bloom_size * 8;
	uint64_t chains = buckets + (uint64_t)h->nbuckets * 4;
	unsigned char w[8], c[64];

	if (bloom)
		memcpy(w, bloom + (size_t)word * 8, 8);
	else if (rd(r, at + 16 + (uint64_t)word * 8, w, 8) < 0)
		return 0;
	if (!elf_gnu_bloom_maybe(h, le64(w), hash))
		return 0;
	if (rd(r, buckets + (uint64_t)(hash % h->nbuckets) * 4, w, 4) < 0)
		return 0;
	idx = le32(w);
	if (idx < h->symoffset)
		return 0; /* an empty bucket */
	for (uint32_t i = 0; i < CHAIN_MAX; i += sizeof(c) / 4) {
		/* the chain may end near the end of the file: a short read still counts */
		int n = rd_some(r, chains + ((uint64_t)idx - h->symoffset + i) * 4, c, sizeof(c)), e;

		if (n < 4)
			return 0;
		for (int k = 0; k + 4 <= n; k += 4) {
			uint32_t ch = le32(c + k);

			if ((ch | 1) == (hash | 1) &&
			    (e = sym_is(r, (uint64_t)idx + i + (uint32_t)k / 4, name, s)) != 0)
				return e;
			if (ch & 1)
				return 0;
		}
	}
	return 0;
}

/* The constant the function at VALUE returns, or -1. */
static int probe(struct reader *r, uint64_t value)
{
	unsigned char code[16];
	int64_t off = elf_offset_of(&r->f, value);
	int n;

	/* a short function may end the file: what there is can still be read */
	if (off < 0 || (n = rd_some(r, (uint64_t)off, code, sizeof(code))) <= 0)
		return -1;
	return elf_const_return(r->f.machine, code, (size_t)n);
}

static void read_symbols(struct reader *r, const struct elf_query *q, struct elf_info *out)
{
	int64_t at = r->d.gnu_hash ? elf_offset_of(&r->f, r->d.gnu_hash) : -1;
	unsigned char head[16], bloom[BLOOM_MAX];
	struct elf_gnu_hash h;
	bool whole;

	if (at < 0 || r->symtab < 0 || r->strtab < 0)
		return;
	if (rd(r, (uint64_t)at, head, sizeof(head)) < 0 || elf_parse_gnu_hash(head, sizeof(head), &h) < 0)
		return;
	/* one read for the whole filter, which most names stop at */
	whole = h.bloom_size <= sizeof(bloom) / 8 &&
		rd(r, (uint64_t)at + 16, bloom, (size_t)h.bloom_size * 8) == 0;
	out->symbols_read = true;
	for (int i = 0; i < q->nsymbols && i < ELF_SYMS_MAX; i++) {
		struct elf_sym s;

		if (gnu_lookup(r, &h, (uint64_t)at, whole ? bloom : NULL, q->symbols[i], &s) != 1 ||
		    s.shndx == 0)
			continue;
		out->defined |= 1u << i;
		out->values[i] = s.value;
		if (q->probe & (1u << i))
			out->returns[i] = probe(r, s.value);
	}
	/* a lookup cut short by the budget proves nothing */
	if (r->reads >= ELF_READS_MAX || r->bytes >= ELF_READ_MAX)
		out->symbols_read = false;
}

/* Where .rodata is: through the section headers and their names. 0 or < 0. */
static int find_rodata(struct reader *r, uint64_t *off, uint64_t *size)
{
	unsigned char sh[SHDR_SIZE];
	struct elf_shdr names, cur;
	char name[16];

	if (!r->f.shnum || r->f.shnum > SHNUM_MAX || r->f.shstrndx >= r->f.shnum)
		return -ENOENT;
	if (rd(r, r->f.shoff + (uint64_t)r->f.shstrndx * SHDR_SIZE, sh, sizeof(sh)) < 0)
		return -EINVAL;
	elf_parse_shdr(sh, sizeof(sh), &names);
	for (uint16_t i = 1; i < r->f.shnum; i++) {
		int n;

		if (rd(r, r->f.shoff + (uint64_t)i * SHDR_SIZE, sh, sizeof(sh)) < 0)
			return -EINVAL;
		elf_parse_shdr(sh, sizeof(sh), &cur);
		if (cur.name >= names.size || (n = rd_some(r, names.offset + cur.name, name, 8)) < 8)
			continue;
		if (memcmp(name, ".rodata", 8) == 0) {
			*off = cur.offset;
			*size = cur.size;
			return 0;
		}
	}
	return -ENOENT;
}

/* Which of Q's strings .rodata holds, in overlapping chunks within ELF_SCAN_MAX. */
static void read_strings(struct reader *r, const struct elf_query *q, struct elf_info *out)
{
	static const size_t overlap = 64; /* longer than any string asked */
	unsigned char chunk[SCAN_CHUNK];
	uint64_t off, size, done = 0;

	if (!q->nstrings || !(out->defined & q->strings_if) || find_rodata(r, &off, &size) < 0 ||
	    size > ELF_SCAN_MAX)
		return;
	while (done < size) {
		size_t want = size - done < sizeof(chunk) ? (size_t)(size - done) : sizeof(chunk);
		int n = r->src->read(r->src->ctx, off + done, chunk, want);

		if (n <= 0 || (size_t)n > want)
			return;
		for (int i = 0; i < q->nstrings && i < 32; i++)
			if (memmem(chunk, (size_t)n, q->strings[i], strlen(q->strings[i])))
				out->has_string |= 1u << i;
		if ((size_t)n < want || done + (uint64_t)n >= size)
			break;
		done += (uint64_t)n > overlap ? (uint64_t)n - overlap : (uint64_t)n;
	}
	out->strings_read = true;
}

int elf_inspect(const struct elf_src *src, const struct elf_query *q, struct elf_info *out)
{
	struct reader r = { .src = src, .strtab = -1, .symtab = -1 };
	unsigned char ehdr[EHDR_SIZE], phdrs[PHNUM_MAX * PHDR_SIZE], dyn[4096];
	size_t dlen;
	int e;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < ELF_SYMS_MAX; i++)
		out->returns[i] = -1;
	if ((e = rd(&r, 0, ehdr, sizeof(ehdr))) < 0 || (e = elf_parse_ehdr(ehdr, sizeof(ehdr), &r.f)) < 0)
		return e;
	out->machine = r.f.machine;
	if ((e = rd(&r, r.f.phoff, phdrs, (size_t)r.f.phnum * PHDR_SIZE)) < 0 ||
	    (e = elf_parse_phdrs(phdrs, (size_t)r.f.phnum * PHDR_SIZE, &r.f)) < 0)
		return e;
	out->first_vaddr = r.f.nloads ? r.f.load[0].vaddr & ~(uint64_t)0xfff : 0;
	/* the entries that matter come first; a big dynamic section is read in part */
	dlen = r.f.dyn_size < sizeof(dyn) ? (size_t)r.f.dyn_size : sizeof(dyn);
	if ((e = rd(&r, r.f.dyn_off, dyn, dlen)) < 0)
		return e;
	elf_parse_dynamic(dyn, dlen, &r.d);
	r.strtab = r.d.strtab ? elf_offset_of(&r.f, r.d.strtab) : -1;
	r.symtab = r.d.symtab ? elf_offset_of(&r.f, r.d.symtab) : -1;
	read_names(&r, out);
	read_symbols(&r, q, out);
	read_strings(&r, q, out);
	return 0;
}
