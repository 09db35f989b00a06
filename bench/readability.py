"""Readability of the Spanish career guides, from the copies shipped in fixtures/guides/es/ (what
`seed_content` loads).

Spanish: the Szigriszt-Pazos perspicuity index, read on the INFLESZ scale (Barrio-Cantalejo et
al., 2008: under 40 very hard, 40-55 somewhat hard, 55-65 normal, 65-80 fairly easy, over 80
very easy), and Fernández-Huerta's adaptation of Flesch, both from textstat (its Spanish
syllables come from pyphen; its English ones need NLTK's CMU dictionary, a download, so the
English guides are not scored here). On the text a visitor reads: the Markdown rendered, tags
and link addresses dropped, headings and list items counted as sentences.

    .venv/bin/python bench/readability.py                          # print the table
    .venv/bin/python bench/readability.py --write docs/quality.md  # and write it there
"""

import argparse
import html
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import markdown
import textstat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import write_between  # bench/ is not a package: its folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent
GUIDES = ROOT / "fixtures" / "guides"
START, END = "<!-- readability:start -->", "<!-- readability:end -->"
MARKER = re.compile(r"^<!-- section: .*-->$", re.MULTILINE)
COMMAND = ".venv/bin/python bench/readability.py --write docs/quality.md"


def plain_text(path: Path) -> str:
    """The guide as read: headings and list items end as sentences, no tags, no addresses."""
    rendered = markdown.markdown(MARKER.sub("", path.read_text(encoding="utf-8")))
    rendered = re.sub(r"</(h\d|li|p)>", ".\n", rendered)
    text = html.unescape(re.sub(r"<[^>]+>", " ", rendered))
    text = re.sub(r"([.:?!])\s*\.", r"\1", text)  # no doubled stops after list items
    return re.sub(r"[ \t]+", " ", text)


def inflesz(score: float) -> str:
    scale = ((80, "very easy"), (65, "fairly easy"), (55, "normal"), (40, "somewhat hard"))
    for floor, label in scale:
        if score > floor:
            return label
    return "very hard"


def rows():
    for english in sorted(GUIDES.glob("*.md")):
        if english.name == "README.md":
            continue
        spanish = GUIDES / "es" / english.name
        row = {"guide": english.stem, "words_en": textstat.lexicon_count(plain_text(english))}
        if spanish.exists():
            textstat.set_lang("es")
            es_text = plain_text(spanish)
            row |= {
                "szigriszt": textstat.szigriszt_pazos(es_text),
                "huerta": textstat.fernandez_huerta(es_text),
                "words_es": textstat.lexicon_count(es_text),
                "per_sentence": textstat.lexicon_count(es_text)
                / max(1, textstat.sentence_count(es_text)),
            }
        yield row


def table(found) -> str:
    lines = [
        "| guide | Szigriszt-Pazos (INFLESZ) | Fernández-Huerta | words per sentence (es) | "
        "words es / en |",
        "|---|---|---|---|---|",
    ]
    for row in found:
        if "szigriszt" in row:
            spanish = (
                f"{row['szigriszt']:.1f} ({inflesz(row['szigriszt'])}) | {row['huerta']:.1f} | "
                f"{row['per_sentence']:.1f} | {row['words_es']:,} / {row['words_en']:,}"
            )
        else:
            spanish = "not written | | | "
        lines.append(f"| {row['guide']} | {spanish} |")
    return "\n".join(lines)


def section(found) -> str:
    return "\n".join(
        [
            START,
            "## Readability of the guides",
            "",
            f"Written by `{COMMAND}` on {datetime.now(UTC):%Y-%m-%d} (textstat "
            f"{textstat_version()}), from the Spanish guides shipped in `fixtures/guides/es/`: "
            "Szigriszt-Pazos on the INFLESZ scale (55-65 normal, 65-80 fairly easy: the range "
            "of popular Spanish-language health leaflets) and Fernández-Huerta (60-70 is about "
            "grade 8-9). On the text a visitor reads: headings and list items count as "
            "sentences, link addresses are left out. The English word count is for comparison "
            "(the Spanish is written, not translated word for word).",
            "",
            table(found),
            END,
        ]
    )


def textstat_version() -> str:
    version = textstat.__version__
    return ".".join(map(str, version)) if isinstance(version, tuple) else str(version)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", metavar="PATH", help="write the section into PATH")
    args = parser.parse_args(argv)
    found = list(rows())
    print(table(found))
    if args.write:
        write_between(Path(args.write), section(found), START, END)
        print(f"Wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
