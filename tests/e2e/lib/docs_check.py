#!/usr/bin/python3
"""The man pages and the README against the option and key tables (tests/e2e/docs.sh).

    docs_check.py HELPDIR

HELPDIR holds what the binaries printed: coretop.help (`coretop --help`) and NAME.help
for each subcommand the top help lists (`coretop NAME --help`). Every --help is written
from the option table that parses that command line (cmd/opts.h), and coretop's lists
the dashboard's keys from their table (tui/dash_keys.c), so the tables come from the
binary, not from a list kept here. For each command (coretop, then each subcommand):

  - the OPTIONS section of its man page (docs/coretop.1, docs/coretop-NAME.1) has one
    .TP entry per option of the table, with the same short letter, long name and value
    name, and no other;
  - the README's options block for it (after <!-- options: NAME -->) likewise;
  - every --long option the man page mentions anywhere is an option of some table (or
    one of another program, listed in FOREIGN);
  - its man page's EXIT STATUS lists the statuses its --help gives, and no other;
  - the dashboard's keys: coretop.1's KEYS section and the README's key table (after
    <!-- keys) have one entry per row of the table, with the same keys.

Prints "ok: ..." or "FAIL: ..." lines; exits 1 when anything failed.
"""
import os
import re
import sys

# options of other programs that the pages quote (Slurm's sbatch)
FOREIGN = {"array", "ntasks", "cpus-per-task", "wait"}

fails = 0


def ok(msg):
    print("ok: " + msg)


def fail(msg):
    global fails
    fails += 1
    print("FAIL: " + msg)


def check(cond, msg):
    (ok if cond else fail)(msg)
    return cond


# ---- --help -------------------------------------------------------------------------

OPT_LINE = re.compile(r"^(?:-(\w), |\s{4})--([a-z][a-z-]*)(?: ([A-Z][A-Z.]*))?(?:\s|$)")


def help_section(text, title):
    """The lines after the one starting with TITLE, up to a blank line or one that is not
    indented (the next paragraph)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(title):
            out = []
            for line2 in lines[i + 1:]:
                if not line2.startswith(" "):
                    break
                out.append(line2)
            return out
    return None


def help_options(text):
    """{(short or None, long, arg or None)} from an --help's Options: section."""
    lines = help_section(text, "Options:")
    if lines is None:
        return None
    opts = set()
    for line in lines:
        m = OPT_LINE.match(line[2:])  # a continuation has 26 blanks before its words
        if m:
            opts.add((m.group(1), m.group(2), m.group(3)))
    return opts


def help_keys(text):
    """[frozenset of keys] from coretop --help's key list, one per row of the table."""
    lines = help_section(text, "Keys in the dashboard")
    rows = []
    for line in lines or []:
        if len(line) > 2 and line[2] != " ":
            keys = re.split(r"\s{2,}", line[2:])[0]
            rows.append(frozenset(keys.split()))
    return rows


def help_statuses(text):
    """The exit statuses --help's "Exit status:" paragraph names (each clause's first
    number: "0 done, 1 failed (...), 127 the command...")."""
    m = re.search(r"^Exit status:(.*?)(?:\n\n|\Z)", text, re.S | re.M)
    if not m:
        return None
    para = ", " + re.sub(r"\s+", " ", m.group(1)).strip()
    # numbers inside parentheses are examples (130 Ctrl-C): drop them first
    while True:
        flat = re.sub(r"\([^()]*\)", "", para)
        if flat == para:
            break
        para = flat
    return set(re.findall(r", (\d+)\b", para))


def help_subcommands(text):
    lines = help_section(text, "the live dashboard") or []
    return [line.split()[0] for line in lines if re.match(r"^  [a-z]+  ", line)]


# ---- man pages ----------------------------------------------------------------------

def roff_text(line):
    """A roff line as the reader sees its words: fonts dropped, escapes resolved."""
    line = re.sub(r"^\.(?:B|I|BR|BI|IR|RB|IB|RI)\s+", "", line)
    line = re.sub(r"\\f[BIRP]", "", line)
    line = line.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")
    line = re.sub(r"\\\(..", "?", line)
    return line.replace('"', "")


def man_sections(path):
    """{SECTION: [lines]} of a man page, .SS kept inside."""
    secs, name = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if line.startswith(".SH "):
                name = line[4:].strip().strip('"')
                secs[name] = []
            elif name:
                secs[name].append(line)
    return secs


def man_tags(lines):
    """The tags of the .TP entries (and .TQ ones) before the first .SS."""
    tags = []
    for i, line in enumerate(lines):
        if line.startswith(".SS"):
            break
        if line in (".TP", ".TQ") and i + 1 < len(lines):
            tags.append(roff_text(lines[i + 1]))
    return tags


def tag_option(tag):
    m = re.match(r"^(?:-(\w), )?--([a-z][a-z-]*)(?: ([A-Z][A-Z.]*))?$", tag.strip())
    return (m.group(1), m.group(2), m.group(3)) if m else None


def show(opts):
    return ", ".join(sorted(("-%s/" % o[0] if o[0] else "") + "--" + o[1] +
                            (" " + o[2] if o[2] else "") for o in opts))


def compare(what, got, want):
    missing, extra = want - got, got - want
    check(not missing and not extra, "%s: %d options as in --help%s%s" % (
        what, len(want), "; missing: " + show(missing) if missing else "",
        "; not in --help: " + show(extra) if extra else ""))


def check_man(page, cmd, opts, statuses, all_longs):
    if not check(os.path.exists(page), "%s: there is a man page %s" % (cmd, page)):
        return
    secs = man_sections(page)
    tags = man_tags(secs.get("OPTIONS", []))
    got = {tag_option(t) for t in tags}
    if None in got:
        fail("%s OPTIONS: an entry is not an option: %s" %
             (page, [t for t in tags if not tag_option(t)]))
        got.discard(None)
    compare(page + " OPTIONS", got, opts)
    text = "\n".join(roff_text(line) for lines in secs.values() for line in lines)
    unknown = sorted(set(re.findall(r"(?<![\w-])--([a-z][a-z-]*)", text)) -
                     all_longs - FOREIGN)
    check(not unknown, "%s: every --option it names is one coretop has%s" %
          (page, ": not " + ", ".join("--" + u for u in unknown) if unknown else ""))
    exits = [re.match(r"^(\d+)", t) for t in man_tags(secs.get("EXIT STATUS", []))]
    exits = {m.group(1) for m in exits if m}
    body = " ".join(roff_text(line) for line in secs.get("EXIT STATUS", []))
    said = {s for s in statuses if re.search(r"\b%s\b" % s, body)}
    check(statuses and said == statuses and exits <= statuses,
          "%s EXIT STATUS: %s as --help says (listed: %s)" %
          (page, ", ".join(sorted(statuses or [], key=int)),
           ", ".join(sorted(exits, key=int))))


# ---- README -------------------------------------------------------------------------

def readme_block(readme, name):
    m = re.search(r"<!-- options: %s -->\n```\n(.*?)\n```" % re.escape(name), readme, re.S)
    if not m:
        return None
    opts = set()
    for line in m.group(1).split("\n"):
        o = OPT_LINE.match(line)
        if o:
            opts.add((o.group(1), o.group(2), o.group(3)))
        elif line.strip():
            fail("README options: %s: a line that is not an option: %r" % (name, line))
    return opts


def readme_keys(readme):
    m = re.search(r"<!-- keys[^\n]*-->\n((?:\|[^\n]*\n)+)", readme)
    if not m:
        return None
    rows = m.group(1).strip().split("\n")[2:]  # the heading and the |---| line
    return [frozenset(re.findall(r"`([^`]+)`", r.split("|")[1])) for r in rows]


def compare_keys(what, got, want):
    missing = [sorted(k) for k in want if k not in got]
    extra = [sorted(k) for k in got if k not in want]
    check(want and not missing and not extra and len(got) == len(want),
          "%s: the %d rows of the key table%s%s" % (
              what, len(want), "; missing: %s" % missing if missing else "",
              "; not in the table: %s" % extra if extra else ""))


def main():
    helpdir = sys.argv[1]
    with open(os.path.join(helpdir, "coretop.help"), encoding="utf-8") as f:
        top = f.read()
    with open("README.md", encoding="utf-8") as f:
        readme = f.read()
    subs = help_subcommands(top)
    check(len(subs) >= 3, "coretop --help lists the subcommands: %s" % " ".join(subs))
    helps = {"coretop": top}
    for s in subs:
        with open(os.path.join(helpdir, s + ".help"), encoding="utf-8") as f:
            helps[s] = f.read()
    tables = {c: help_options(h) or set() for c, h in helps.items()}
    all_longs = {o[1] for t in tables.values() for o in t}
    for cmd, opts in tables.items():
        # a table that parsed to almost nothing would make every comparison vacuous
        check(len(opts) >= 5 and {o[1] for o in opts} >= {"help", "version"},
              "%s --help: %d options, --help and --version among them" % (cmd, len(opts)))
        page = "docs/coretop.1" if cmd == "coretop" else "docs/coretop-%s.1" % cmd
        check_man(page, cmd, opts, help_statuses(helps[cmd]), all_longs)
        block = readme_block(readme, cmd)
        if check(block is not None, "README has an options block for %s" % cmd):
            compare("README options of " + cmd, block, opts)
    keys = help_keys(top)
    check(len(keys) >= 15, "coretop --help lists %d rows of keys" % len(keys))
    compare_keys("coretop.1 KEYS", [frozenset(t.split(", ")) for t in
                                    man_tags(man_sections("docs/coretop.1").get("KEYS", []))],
                 keys)
    compare_keys("README keys", readme_keys(readme) or [], keys)
    if fails:
        print("%d check(s) failed" % fails)
    sys.exit(1 if fails else 0)


main()
