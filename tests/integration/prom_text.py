#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks a Prometheus text exposition (format 0.0.4) strictly: names, labels and their
escapes, values, one HELP and one TYPE per family before its samples, families not
interleaved, no series twice, histograms with cumulative buckets ending in +Inf equal to
_count. Usage: prom_text.py FILE [NAME:TYPE ...]: each NAME must be a family of that TYPE.
Prints what is wrong and exits 1, else prints the families and exits 0."""
import math
import re
import sys

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*'
SAMPLE = re.compile(r'^(' + NAME + r')(\{(.*)\})? (\S+)( -?\d+)?$')
LABEL_PAIR = re.compile(r'(' + LABEL + r')="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')
TYPES = {'counter', 'gauge', 'histogram', 'summary', 'untyped'}


def parse_value(text):
    if text in ('+Inf', 'Inf'):
        return math.inf
    if text == '-Inf':
        return -math.inf
    if text == 'NaN':
        return math.nan
    if not re.fullmatch(r'[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?', text):
        raise ValueError(text)
    return float(text)


def parse_labels(text):
    labels = []
    pos = 0
    while pos < len(text):
        m = LABEL_PAIR.match(text, pos)
        if not m:
            raise ValueError('labels: cannot read "%s"' % text[pos:])
        labels.append((m.group(1), m.group(2)))
        pos = m.end()
    names = [n for n, _ in labels]
    if len(set(names)) != len(names):
        raise ValueError('a label twice')
    return labels


def family_of(name, types):
    for suffix in ('_bucket', '_sum', '_count'):
        base = name[:-len(suffix)] if name.endswith(suffix) else None
        if base is not None and types.get(base) in ('histogram', 'summary'):
            return base
    return name


def check(text):
    errors = []
    if not text.endswith('\n'):
        errors.append('the last line does not end with a newline')
    helps, types, seen_series, done = {}, {}, set(), set()
    current = None
    histograms = {}
    for number, line in enumerate(text.split('\n')[:-1], 1):
        where = 'line %d' % number
        if line == '':
            errors.append(where + ': empty line')
            continue
        if line.startswith('#'):
            m = re.match(r'^# (HELP|TYPE) (' + NAME + r') (.*)$', line)
            if not m:
                if line.startswith('# HELP') or line.startswith('# TYPE'):
                    errors.append(where + ': malformed ' + line[:40])
                continue
            kind, name, rest = m.groups()
            if name != current:
                if current is not None:
                    done.add(current)
                if name in done:
                    errors.append(where + ': family %s again, after another' % name)
                current = name
            table = helps if kind == 'HELP' else types
            if name in table:
                errors.append(where + ': a second %s for %s' % (kind, name))
            if kind == 'TYPE':
                if rest not in TYPES:
                    errors.append(where + ': type %s' % rest)
                if any(family_of(s[0], {name: rest}) == name for s in seen_series):
                    errors.append(where + ': TYPE of %s after its samples' % name)
            table[name] = rest
            continue
        m = SAMPLE.match(line)
        if not m:
            errors.append(where + ': not a sample: ' + line[:80])
            continue
        name, _, label_text, value_text, _ = m.groups()
        try:
            labels = parse_labels(label_text or '')
            value = parse_value(value_text)
        except ValueError as e:
            errors.append(where + ': ' + str(e))
            continue
        family = family_of(name, types)
        if family not in types:
            errors.append(where + ': %s has no TYPE before it' % name)
        if family != current:
            if current is not None:
                done.add(current)
            if family in done:
                errors.append(where + ': family %s again, after another' % family)
            current = family
        key = (name, tuple(sorted(labels)))
        if key in seen_series:
            errors.append(where + ': series twice: ' + line[:80])
        seen_series.add(key)
        if types.get(family) in ('counter', 'histogram') and value < 0:
            errors.append(where + ': a negative ' + types[family])
        if types.get(family) == 'histogram':
            rest = tuple(sorted((n, v) for n, v in labels if n != 'le'))
            h = histograms.setdefault((family, rest), {'buckets': [], 'count': None})
            if name.endswith('_bucket'):
                le = dict(labels).get('le')
                if le is None:
                    errors.append(where + ': a bucket without le')
                    continue
                h['buckets'].append((parse_value(le), value))
            elif name.endswith('_count'):
                h['count'] = value
    for (family, rest), h in histograms.items():
        b = h['buckets']
        if not b or b[-1][0] != math.inf:
            errors.append('%s%s: no +Inf bucket last' % (family, rest))
            continue
        if any(b[i][0] >= b[i + 1][0] or b[i][1] > b[i + 1][1] for i in range(len(b) - 1)):
            errors.append('%s%s: buckets not ascending and cumulative' % (family, rest))
        if h['count'] != b[-1][1]:
            errors.append('%s%s: _count is not the +Inf bucket' % (family, rest))
    return errors, types


def main():
    text = open(sys.argv[1], encoding='utf-8').read()
    errors, types = check(text)
    for want in sys.argv[2:]:
        name, kind = want.split(':')
        if types.get(name) != kind:
            errors.append('%s: expected a %s, found %s' % (name, kind, types.get(name)))
    for e in errors:
        print(e)
    if not errors:
        print(' '.join(sorted(types)))
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
