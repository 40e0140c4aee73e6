"""The articles of ../shared/corpus as plain records, for the judgement checks and samplers.

Read straight from the JSONL files (and the plain-text files, whose id is the file name), not
through the indexer, so that a check of the judgements does not depend on what the parser
does. Han text is compared after Traditional -> Simplified folding with OpenCC (t2s), the
same folding the analyzer applies before it cuts words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN}]+")


@dataclass(frozen=True)
class Text:
    id: str
    file: str
    lang: str
    title: str
    body: str

    @property
    def lead(self) -> str:
        """The first non-empty paragraph of the body."""
        return next((p for p in self.body.split("\n") if p.strip()), "")


def read_corpus(corpus: Path) -> Iterator[Text]:
    for path in sorted((corpus / "jsonl").glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    d = json.loads(line)
                    yield Text(
                        d["id"],
                        path.stem,
                        d.get("lang") or "",
                        d.get("title") or "",
                        d.get("body") or "",
                    )
    for path in sorted((corpus / "text").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        title = text.split("\n", 1)[0]
        yield Text(path.name, "text", "en", title, text)


@cache
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Traditional -> Simplified (OpenCC t2s); other characters are left as they are."""
    return _t2s().convert(text)  # type: ignore[attr-defined]
