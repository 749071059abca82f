# Checks of tests/e2e/tui_sizes.sh on tmux captures (capture-pane -p -J: a line
# written past the pane's edge would come back joined, longer than the width).
#
#   sizes.py fits W H SCREEN            no line wider than W columns, at most H lines
#   sizes.py heading SCREEN             the table's column names and where each starts
#   sizes.py advice JSON LABEL SCREEN W the info area says the group's advice (from
#                                       coretop -b --json, its spinning clause either
#                                       way) in whole words, joined across its lines:
#                                       all of it where three lines of W columns hold
#                                       it, else its first and last words with " … "
#                                       between them
#   sizes.py sgr SCREEN_E TEXT          "bold=B reverse=R fg=N" where TEXT first shows
#                                       (SCREEN_E: capture-pane -p -e)
#   sizes.py help KEYS_C SCREEN...      every action's keys and words of tui/dash_keys.c
#                                       on one of the help's pages, whole
import json
import re
import sys
import textwrap
import unicodedata


def width(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def lines_of(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    rows = text.split("\n")
    if rows and rows[-1] == "":
        rows.pop()
    return rows


def fits(w, h, path):
    rows = lines_of(path)
    bad = [r for r in rows if width(r) > int(w)]
    for r in bad:
        print("  too wide (%d): %s" % (width(r), r))
    if len(rows) > int(h):
        print("  %d lines on a %s-line screen" % (len(rows), h))
    return not bad and len(rows) <= int(h)


def heading(path):
    for r in lines_of(path):
        if re.match(r"^ +GROUP +", r):
            print(" ".join("%s@%d" % (m.group(0), m.start()) for m in re.finditer(r"\S+", r)))
            return True
    return False


# The spinning clause the advice gains or loses as the verdict moves between
# oversubscribed and spinning (sampler/advice.c), figures as "#".
SPIN = [", and its idle workers yield # times a second each waiting for work, CPU taken "
        "from its busy threads, which queue # % of their runnable time",
        ", and its idle OpenMP workers spin in user space waiting for work, CPU taken from "
        "its busy threads, which queue # % of their runnable time"]


def norm(text):
    # the figures move between two readings: compare them as figures
    return " ".join(re.sub(r"\d[\d,]*(\.\d+)?", "#", text).split())


def variants(text):
    """The advice as coretop -b said it, and as it reads with either spinning clause
    (the dashboard's window may judge the other way than a two-sample -b)."""
    base = norm(text)
    for c in SPIN:
        base = base.replace(c, "")
    out = [base]
    if " allowed cores: " in base:
        out += [base.replace(" allowed cores: ", " allowed cores" + c + ": ", 1) for c in SPIN]
    return out


def lines_at(text, w):
    return len(textwrap.wrap(text, w, break_long_words=False, break_on_hyphens=False))


def advice(jpath, label, spath, w):
    w = int(w)
    groups = [g for l in open(jpath) for g in json.loads(l)["groups"] if g["label"] == label]
    said = [g["advice"] for g in groups if g.get("advice")]
    if not said:
        print("  no advice for %s in coretop -b --json" % label)
        return False
    rows = lines_of(spath)[:-1]  # the key bar
    first = max((i for i, r in enumerate(rows)
                 if r.startswith(label + ": ") or r.startswith(" ".join(said[-1].split()[:3]))),
                default=-1)
    if first < 0:
        print("  no info line for %s" % label)
        return False
    text = " ".join(rows[first:]).strip()
    if text.startswith(label + ": "):
        text = text[len(label) + 2:]
    # shortened: its first words, " … ", its last words (tui/layout.c text_shorten)
    head, cut, tail = text.partition(" … ")
    # a shortened text takes the three lines: as many last words as fit
    full = not cut or lines_at(text, w) == 3
    head, tail = norm(head), norm(tail)
    print("  screen: %s%s" % (head, " … " + tail if cut else ""))
    for v in variants(said[-1]):
        # as tui/layout.c wraps it: at spaces, on three lines, the name dropped if need
        # be; the figures' digits can move the last break, so near the edge either is
        # right ("00" stands for a figure)
        real = v.replace("#", "00")
        fits = min(lines_at(real, w), lines_at(label + ": " + real, w)) <= 3
        fits_easily = min(lines_at(real, w - 8), lines_at(label + ": " + real, w - 8)) <= 3
        if cut and full and not fits_easily and head and tail and len(head) + len(tail) < len(v) and \
                (v + " ").startswith(head + " ") and (" " + v).endswith(" " + tail):
            return True
        if not cut and head == v and fits:
            return True
    print("  json:   %s" % norm(said[-1]))
    return False


def sgr(path, want):
    text = open(path, encoding="utf-8", errors="replace").read()
    bold = rev = 0
    fg = 39
    for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b]+)", text):
        if m.group(2) is not None:
            if want in m.group(2):
                break
            continue
        for c in [int(c) if c else 0 for c in m.group(1).split(";")]:
            if c == 0:
                bold, rev, fg = 0, 0, 39
            elif c == 1:
                bold = 1
            elif c == 22:
                bold = 0
            elif c == 7:
                rev = 1
            elif c == 27:
                rev = 0
            elif 30 <= c <= 37 or c == 39:
                fg = c
    else:
        print("absent")
        return True
    print("bold=%d reverse=%d fg=%d" % (bold, rev, fg))
    return True


def actions(src):
    """(keys, help) of every action in the table of tui/dash_keys.c."""
    text = open(src).read()
    body = text[text.index("static const struct action actions[] = {"):]
    body = body[:body.index("\n};")]
    out = []
    for entry in re.findall(r"\{\s*(\"(?:[^{}]|\{[^{}]*\})*?)\s*\},?\s*(?:\n|$)", body):
        # the leading string literals, adjacent ones joined: keys, bar key, label, help
        fields, rest = [], entry
        while True:
            m = re.match(r'\s*((?:"(?:[^"\\]|\\.)*"\s*)+|NULL)\s*,', rest)
            if not m:
                break
            lit = m.group(1)
            fields.append(None if lit == "NULL" else "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', lit)))
            rest = rest[m.end():]
        if len(fields) >= 4 and fields[0]:
            out.append((fields[0], fields[3]))
    return out


def help_pages(src, *paths):
    acts = actions(src)
    if len(acts) < 10:
        print("  only %d actions read from %s" % (len(acts), src))
        return False
    missing = []
    pages = [lines_of(p) for p in paths]
    for keys, words in acts:
        found = False
        for rows in pages:
            for i, r in enumerate(rows):
                m = re.match(re.escape(keys) + r"( {2,})(\S.*)$", r)
                if not m:
                    continue
                col = len(keys) + len(m.group(1))
                got = [m.group(2)]
                for nxt in rows[i + 1:]:
                    if nxt[:col].strip() or not nxt.strip():
                        break
                    got.append(nxt[col:])
                if " ".join(" ".join(got).split()) == " ".join(words.split()):
                    found = True
        if not found:
            missing.append(keys)
    for k in missing:
        print("  help: '%s' not whole on any page" % k)
    return not missing


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    ok = {"fits": fits, "heading": heading, "sgr": sgr, "help": help_pages,
          "advice": advice}[mode](*args)
    sys.exit(0 if ok else 1)
