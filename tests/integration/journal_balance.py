# SPDX-License-Identifier: MIT
"""Compares the balances an accounting tool printed for an exported journal with `acsa balance
--json`, per partner, currency and account: python3 journal_balance.py TOOL OUTPUT BALANCE_JSON.
TOOL is ledger (`ledger bal --flat --no-total`), hledger (`hledger bal --flat -N -O csv
--layout=bare`) or beancount (`bean-query -f csv ... SELECT account, currency, sum(number)`).
Prints each difference and exits 1 if there is any."""
import csv
import json
import re
import sys
from collections import defaultdict
from decimal import Decimal

FIGURES = {  # acsa balance member: (journal account, sign of the acsa figure)
    "receivable_cash": ("Assets:Receivable:Cash", 1),
    "receivable_kind": ("Assets:Receivable:Kind", 1),
    "payable_cash": ("Liabilities:Payable:Cash", -1),
    "payable_kind": ("Liabilities:Payable:Kind", -1),
    "committed_receivable_cash": ("Assets:Committed:Receivable:Cash", 1),
    "committed_receivable_kind": ("Assets:Committed:Receivable:Kind", 1),
    "committed_payable_cash": ("Liabilities:Committed:Payable:Cash", -1),
    "committed_payable_kind": ("Liabilities:Committed:Payable:Kind", -1),
}


def ledger_balances(text):
    out = defaultdict(Decimal)
    pending = []
    for line in text.splitlines():
        m = re.match(r"^\s*(-?[0-9][0-9,]*(?:\.[0-9]+)?) ([A-Z]+)(?:\s{2,}(\S.*))?$", line)
        if not m:
            if line.strip():
                raise SystemExit(f"ledger: cannot read {line!r}")
            continue
        pending.append((m.group(2), Decimal(m.group(1).replace(",", ""))))
        if m.group(3):
            for commodity, amount in pending:
                out[(m.group(3).strip(), commodity)] += amount
            pending = []
    return out


def csv_balances(text, columns):
    out = defaultdict(Decimal)
    rows = list(csv.reader(text.splitlines()))
    for row in rows[1:]:
        account, commodity, amount = (row[i].strip() for i in columns)
        if amount:
            out[(account, commodity)] += Decimal(amount.replace(",", ""))
    return out


def main():
    tool, output, balance = sys.argv[1:4]
    text = open(output, encoding="utf-8").read()
    if tool == "ledger":
        got = ledger_balances(text)
    else:
        got = csv_balances(text, (0, 1, 2))
    lines = json.load(open(balance, encoding="utf-8"))
    problems = []
    per_currency = defaultdict(Decimal)
    for (account, currency), amount in got.items():
        per_currency[currency] += amount
    for currency, total in per_currency.items():
        if total != 0:
            problems.append(f"{tool}: {currency} sums to {total}, not 0")
    seen = set()
    compared = 0
    for line in lines:
        partner, currency = line["partner"], line["currency"]
        net = Decimal(0)
        for member, (account, sign) in FIGURES.items():
            want = Decimal(line[member]) * sign
            name = f"{account}:{partner}"
            seen.add((name, currency))
            have = got.get((name, currency), Decimal(0))
            compared += 1
            if have != want:
                problems.append(f"{tool}: {name} {currency}: {have}, acsa balance {member} {want}")
            if member in ("receivable_cash", "receivable_kind"):
                net += have
            elif member in ("payable_cash", "payable_kind"):
                net += have
        if net != Decimal(line["net"]):
            problems.append(f"{tool}: net {partner} {currency}: {net}, acsa {line['net']}")
    for (name, currency), amount in got.items():
        root = name.rsplit(":", 1)[0]
        if root in {a for a, _ in FIGURES.values()} and (name, currency) not in seen and amount:
            problems.append(f"{tool}: {name} {currency} {amount} is not in acsa balance")
    for p in problems:
        print(p)
    print(f"{tool}: {compared} figures compared, {len(problems)} differences")
    sys.exit(1 if problems else 0)


main()
