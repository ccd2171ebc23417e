#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The manual pages and the bash completion against --help: runs `acsa doc --out DIR`, walks
every verb's --help (groups and their verbs), and checks that each command's page section
lists the same options, arguments and texts in the same order, that the completion offers the
same options and verbs, and that groff reads every page without a warning. Prints TAP.

Usage: doc_check.py ACSA [DOC_DIR]  (DOC_DIR: pages already generated, e.g. an installed tree)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ACSA = sys.argv[1]
results = []


def case(name, problems):
    results.append((name, problems))


def run(args):
    proc = subprocess.run([ACSA] + args, capture_output=True, text=True,
                          env=dict(os.environ, ACSA_DB="/nonexistent/acsa.db"))
    if proc.returncode != 0:
        raise SystemExit(f"Bail out! acsa {' '.join(args)} exited {proc.returncode}: "
                         f"{proc.stderr[:300]}")
    return proc.stdout


def verbs_of(text):
    """The verbs listed under "Verbs:" in a --help text."""
    out, inside = [], False
    for line in text.splitlines():
        if line == "Verbs:":
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            m = re.match(r"^  (\S+)\s+(.*)$", line)
            if m:
                out.append((m.group(1), m.group(2)))
    return out


def options_of(text):
    """[(name, arg, text)] from the Options: section of a command's --help."""
    lines = text.splitlines()
    out = []
    i = lines.index("Options:") + 1
    while i < len(lines):
        m = re.match(r"^  --([a-z0-9-]+)(?: (\S+))?(?:\s{2,}(.*))?$", lines[i])
        if not m:
            break
        body = m.group(3)
        if body is None:
            i += 1
            body = lines[i].strip()
        out.append((m.group(1), m.group(2), body))
        i += 1
    return out


def walk():
    """{path: ("group", verbs) | ("command", summary, options)} for every verb path."""
    found = {}
    top = verbs_of(run(["--help"]))
    found[""] = ("group", [v for v, _ in top])
    pending = [[v] for v, _ in top]
    while pending:
        path = pending.pop(0)
        text = run(path + ["--help"])
        key = " ".join(path)
        if text.startswith(f"Usage: acsa {key} VERB"):
            sub = verbs_of(text)
            found[key] = ("group", [v for v, _ in sub])
            pending.extend(path + [v] for v, _ in sub)
        else:
            summary = text.split("\n\n")[1].strip()
            found[key] = ("command", summary, options_of(text))
    return found, [v for v, _ in top]


def unroff(text):
    text = re.sub(r"\\f[BIR]", "", text)
    return text.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")


def man_sections(page):
    """{path: (summary, [(name, arg, text)])} from the .SS sections of one page."""
    sections = {}
    parts = re.split(r'^\.SS "acsa (.*)"\n', page, flags=re.M)
    for i in range(1, len(parts), 2):
        path = unroff(parts[i])
        body = parts[i + 1].split("\n.SH ")[0]
        paragraphs = body.split("\n.TP\n")
        summary = unroff(paragraphs[0].split("\n.PP\n")[1]).strip()
        options = []
        for entry in paragraphs[1:]:
            head, _, text = entry.partition("\n")
            m = re.match(r"^\.B --([a-z0-9-]+)(?: (\S+))?$", unroff(head))
            options.append((m.group(1), m.group(2), unroff(text).strip()) if m else (head,))
        sections[path] = (summary, options)
    return sections


def completion_table(script, name):
    body = re.search(r"^_acsa_%s\(\)\n\{\n    case \"\$1\" in\n(.*?)^    esac" % name, script,
                     re.M | re.S).group(1)
    return {m.group(1): m.group(2).split()
            for m in re.finditer(r'^    "([^"]*)"\) echo "([^"]*)" ;;$', body, re.M)}


def complete(script_path, words):
    """COMPREPLY of _acsa for the words typed (the last one being completed)."""
    program = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _acsa; '
               'printf "%s\\n" "${COMPREPLY[@]}"')
    proc = subprocess.run(["bash", "-c", program, "bash", script_path] + words,
                          capture_output=True, text=True)
    return proc.stdout.split()


def main():
    own = len(sys.argv) < 3
    doc_dir = tempfile.mkdtemp() if own else sys.argv[2]
    if own:
        subprocess.run([ACSA, "doc", "--out", doc_dir], check=True)
    found, top = walk()
    pages = {}
    for verb in top:
        path = os.path.join(doc_dir, f"acsa-{verb}.1")
        pages[verb] = open(path, encoding="utf-8").read() if os.path.exists(path) else None
    case("one page acsa-VERB.1 per verb of acsa --help, and acsa.1",
         [f"no acsa-{v}.1" for v, p in pages.items() if p is None] +
         ([] if os.path.exists(os.path.join(doc_dir, "acsa.1")) else ["no acsa.1"]))
    sections = {}
    for page in pages.values():
        sections.update(man_sections(page or ""))
    commands = {k: v for k, v in found.items() if v[0] == "command"}
    problems = []
    for path, (_, summary, options) in sorted(commands.items()):
        if path not in sections:
            problems.append(f"acsa {path}: no section in the pages")
            continue
        man_summary, man_options = sections[path]
        if man_summary != summary:
            problems.append(f"acsa {path}: summary {man_summary!r} != --help {summary!r}")
        if man_options != options:
            problems.append(f"acsa {path}: options {man_options} != --help {options}")
    extra = sorted(set(sections) - set(commands))
    problems += [f"acsa {p}: a section but no such command" for p in extra]
    case(f"each of {len(commands)} commands: the page's options and texts are --help's",
         problems)

    problems = []
    for verb, page in pages.items():
        if page is None or found[verb][0] != "group":
            continue
        listed = re.findall(r"^\.TP\n\.B (\S+)\n", page.split(".SH VERBS\n")[1]
                            .split(".SH COMMANDS")[0], re.M)
        if [unroff(v) for v in listed] != found[verb][1]:
            problems.append(f"acsa-{verb}.1 lists {listed}, --help {found[verb][1]}")
    case("each group's page lists the verbs of its --help", problems)

    main_page = unroff(open(os.path.join(doc_dir, "acsa.1"), encoding="utf-8").read())
    usage = run(["--help"])
    case("acsa.1 holds the text of acsa --help",
         [] if usage.strip() in main_page else ["acsa.1 lacks the text of acsa --help"])

    problems = []
    for name in sorted(os.listdir(doc_dir)):
        if name.endswith(".1"):
            proc = subprocess.run(["groff", "-man", "-ww", "-z", os.path.join(doc_dir, name)],
                                  capture_output=True, text=True)
            if proc.returncode != 0 or proc.stderr:
                problems.append(f"{name}: {proc.stderr.strip()[:200]}")
    if shutil.which("groff") is None:
        problems = []
    case("groff reads every page without a warning", problems)

    script_path = os.path.join(doc_dir, "acsa.bash")
    script = open(script_path, encoding="utf-8").read()
    options_table = completion_table(script, "options")
    words_table = completion_table(script, "words")
    problems = []
    for path, (_, _, options) in sorted(commands.items()):
        if options_table.get(path) != [f"--{o[0]}" for o in options]:
            problems.append(f"acsa {path}: completion {options_table.get(path)}")
    for path, entry in found.items():
        if entry[0] == "group" and words_table.get(path) != entry[1]:
            problems.append(f"group {path!r}: completion {words_table.get(path)} != {entry[1]}")
    case("the completion offers each command's options and each group's verbs", problems)

    problems = []
    checks = [(["acsa", "ord"], ["order"]), (["acsa", "order", "cre"], ["create"]),
              (["acsa", "--db", "x.db", "order", "li"], ["list"]),
              (["acsa", "serve", "--conf"], ["--config"]),
              (["acsa", "order", "list", "--st"], ["--state"])]
    for words, expected in checks:
        got = complete(script_path, words)
        if got != expected:
            problems.append(f"{' '.join(words)}<TAB>: {got}, expected {expected}")
    case("completing in bash: verbs, sub-verbs and options", problems)

    for i, (name, problems) in enumerate(results, 1):
        print(f"{'ok' if not problems else 'not ok'} {i} - {name}")
        for p in problems[:20]:
            print(f"# {p}")
    print(f"1..{len(results)}")
    if own:
        shutil.rmtree(doc_dir)
    return 1 if any(p for _, p in results) else 0


sys.exit(main())
