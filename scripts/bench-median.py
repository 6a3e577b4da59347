#!/usr/bin/env python3
"""Merges several `oxissl bench` reports (Markdown, same rows) into one: each numeric table
cell becomes the median of that cell across the reports (ratios included), other cells and
all text come from the first report.

usage: scripts/bench-median.py REPORT1.md REPORT2.md REPORT3.md > merged.md
"""
import statistics
import sys


def cells(line):
    return line.strip().strip("|").split("|")


def number(text):
    value = text.strip().split(" ")[0]
    try:
        return float(value)
    except ValueError:
        return None


def shape(label):
    return "".join(c for c in label if not c.isdigit())


def merge(lines_by_report):
    out = []
    for lines in zip(*lines_by_report):
        first = lines[0]
        if not first.startswith("| ") or not all(l.startswith("| ") for l in lines):
            out.append(first)
            continue
        rows = [cells(l) for l in lines]
        # Labels may differ in a byte count (an ECDSA signature's length varies by a byte).
        if any(len(r) != len(rows[0]) or shape(r[0]) != shape(rows[0][0]) for r in rows):
            sys.exit(f"reports differ in their rows: {first!r}")
        merged = [rows[0][0]]
        for i in range(1, len(rows[0])):
            values = [number(r[i]) for r in rows]
            if all(v is not None for v in values):
                median = statistics.median(values)
                decimals = max(len(r[i].strip().split(" ")[0].partition(".")[2]) for r in rows)
                suffix = " ".join(rows[0][i].strip().split(" ")[1:])
                text = f"{median:.{decimals}f}" + (f" {suffix}" if suffix else "")
                merged.append(f" {text} ")
            else:
                merged.append(rows[0][i])
        out.append("|" + "|".join(merged) + "|")
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    reports = [open(p).read().splitlines() for p in sys.argv[1:]]
    if len({len(r) for r in reports}) != 1:
        sys.exit("reports have different numbers of lines")
    print("\n".join(merge(reports)))


if __name__ == "__main__":
    main()
