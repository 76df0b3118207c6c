"""Regenerate ``cn2026.csv`` from the full 24-language Combined Nomenclature file.

Keeps the levels the pivot reads (heading, subheading, cn8) and the languages requests come in
(en, de, fr, es, sv); sections and chapters are dropped (their titles are too broad to tell
positions apart). Whitespace inside descriptions is collapsed; nothing else is changed.

    python src/tradebase/docking/data/trim_cn.py /work/shared/data/cn/cn2026-multilingual.csv

writes ``cn2026.csv`` beside this script (``--out`` to write elsewhere).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

LEVELS: frozenset[str] = frozenset({"heading", "subheading", "cn8"})
COLUMNS: tuple[str, ...] = ("level", "code", "parent", "en", "de", "fr", "es", "sv")


def trim(source: Path, out: Path) -> int:
    """Write the trimmed file; return the number of rows written."""
    written = 0
    with (
        source.open(encoding="utf-8", newline="") as src,
        out.open("w", encoding="utf-8", newline="") as dst,
    ):
        writer = csv.writer(dst, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in csv.DictReader(src):
            if row["level"] not in LEVELS:
                continue
            writer.writerow([" ".join((row[col] or "").split()) for col in COLUMNS])
            written += 1
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Trim the CN 2026 file to what the pivot reads.")
    parser.add_argument("source", type=Path, help="cn2026-multilingual.csv (24 languages)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "cn2026.csv")
    args = parser.parse_args(argv)
    count = trim(args.source, args.out)
    sys.stdout.write(f"{count} rows → {args.out}\n")


if __name__ == "__main__":
    main()
