"""Highlights from the index's stored character offsets, without re-analysing bodies.

The analyzer stores, for every posting of the title and body, the token position and
its start/end offsets in the original text. For a hit, the matched terms' postings
give the exact spans to mark, in the article's own script; phrases are marked only
where their words stand next to each other.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from indexer.analysis.fold import fold
from indexer.analysis.tokens import STOP_WORDS, run_of
from indexer.store.schema import CHARACTER_FIELD

HIGHLIGHT_FIELDS = ("title", "body")
MAX_EXPANSION = 64  # terms a prefix or wildcard may contribute to highlighting

_SENTENCE_END = "。！？!?；;\n"
_SOFT_BREAK = "，、：:,） )」』”"
_WIDE = re.compile(
    r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
)


@dataclass(frozen=True)
class Span:
    """A marked range of the original text, and the index term (or phrase) that matched it."""

    start: int
    end: int
    term: str


@dataclass(frozen=True)
class Snippet:
    """Text cut into plain and matched parts; rendered as HTML, text or JSON by each face."""

    parts: tuple[tuple[str, bool], ...] = ()

    def html(self) -> str:
        """Escaped text with <mark> around matches: the only HTML the app trusts."""
        return "".join(
            f"<mark>{html.escape(text)}</mark>" if hit else html.escape(text)
            for text, hit in self.parts
        )

    def text(self, before: str = "[", after: str = "]") -> str:
        return "".join(f"{before}{t}{after}" if hit else t for t, hit in self.parts)

    @property
    def matched(self) -> list[str]:
        return [t for t, hit in self.parts if hit]

    def __bool__(self) -> bool:
        return bool(self.parts)


@dataclass
class Targets:
    """What a query asks to highlight: single terms and phrases, per field, and runs of Han
    characters (folded) wherever they stand in the title or body."""

    terms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=lambda: defaultdict(list))
    runs: set[str] = field(default_factory=set)


def query_targets(q: wq.Query, reader: Any) -> Targets:
    """The positive terms and phrases of a query (NOT branches are never highlighted)."""
    out = Targets()
    _walk(q, reader, out)
    return out


def _walk(q: wq.Query, reader: Any, out: Targets) -> None:
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        _walk(q.a, reader, out)
        return
    if isinstance(q, wq.Phrase | wq.Term) and q.fieldname == CHARACTER_FIELD:
        grams = [str(w) for w in q.words] if isinstance(q, wq.Phrase) else [_text(q.text)]
        out.runs.add(run_of(grams))
        return
    if isinstance(q, wq.Phrase):
        if q.fieldname in HIGHLIGHT_FIELDS:
            words = tuple(str(w) for w in q.words)
            if len(words) == 1:
                if words[0] not in STOP_WORDS:
                    out.terms[q.fieldname].add(words[0])
            elif words:
                out.phrases[q.fieldname].append(words)
        return
    if isinstance(q, wq.Term):
        # A function word alone ("the") is not marked; inside a phrase it is.
        if q.fieldname in HIGHLIGHT_FIELDS and _text(q.text) not in STOP_WORDS:
            out.terms[q.fieldname].add(_text(q.text))
        return
    if isinstance(q, wq.MultiTerm):
        if getattr(q, "fieldname", None) in HIGHLIGHT_FIELDS:
            for count, (fname, text) in enumerate(
                q.existing_terms(reader, phrases=False, expand=True)
            ):
                if count >= MAX_EXPANSION:
                    break
                out.terms[fname].add(_text(text))
        return
    for child in q.children():
        _walk(child, reader, out)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _characters(reader: Any, fieldname: str, text: str, docnum: int) -> list[tuple[int, int, int]]:
    """(position, start, end) of every occurrence of a term in one document."""
    try:
        matcher = reader.postings(fieldname, text)
    except Exception:  # whoosh raises TermNotFound (its name differs between releases)
        return []
    if not matcher.is_active():
        return []
    if matcher.id() < docnum:
        matcher.skip_to(docnum)
    if not matcher.is_active() or matcher.id() != docnum:
        return []
    chars: list[tuple[int, int, int]] = matcher.value_as("characters")
    return chars


def spans(
    reader: Any, docnum: int, fieldname: str, targets: Targets, text: str | None = None
) -> list[Span]:
    """Every span of the field's text that the targets match, in text order.

    Runs of Han characters are found in the field's `text` itself (folded, mapped back to
    the article's own characters), where the segmenter may have cut them apart."""
    found: list[Span] = []
    if text and targets.runs and fieldname in HIGHLIGHT_FIELDS:
        found.extend(run_spans(text, targets.runs))
    for text in targets.terms.get(fieldname, ()):
        found.extend(Span(s, e, text) for _, s, e in _characters(reader, fieldname, text, docnum))
    for phrase in targets.phrases.get(fieldname, ()):
        per_word = [
            {pos: (s, e) for pos, s, e in _characters(reader, fieldname, w, docnum)} for w in phrase
        ]
        if not all(per_word):
            continue
        label = " ".join(phrase)
        for pos, (start, _) in per_word[0].items():
            ends = [per_word[i].get(pos + i) for i in range(1, len(phrase))]
            if all(ends):
                found.append(Span(start, ends[-1][1], label))  # type: ignore[index]
    found.sort(key=lambda s: (s.start, -s.end))
    return found


def run_spans(text: str, runs: Iterable[str]) -> list[Span]:
    """Where each (folded) Han run stands in text, as spans of the original characters."""
    folded, origin = fold(text)
    found = []
    for run in runs:
        start = folded.find(run)
        while start >= 0:
            end = start + len(run)
            if origin is None:
                found.append(Span(start, end, run))
            else:
                found.append(Span(origin[start], origin[end - 1] + 1, run))
            start = folded.find(run, end)
    return found


def mark(text: str, marks: Iterable[Span]) -> Snippet:
    """The whole text with the spans marked (overlapping spans merged)."""
    return _parts(text, 0, len(text), list(marks), False, False)


def snippet(text: str, marks: list[Span], width: int = 220) -> Snippet:
    """A readable excerpt around the densest cluster of matches, cut at sentence breaks."""
    if not text:
        return Snippet()
    if not marks:
        end = _cut_end(text, 0, width)
        return _parts(text, 0, end, [], False, end < len(text))
    # Choose the window (starting at some match) that holds the most distinct terms.
    best, best_score = 0, (-1, -1)
    for i, first in enumerate(marks):
        limit = first.start + width
        inside = [m for m in marks[i:] if m.end <= limit] or [first]
        score = (len({m.term for m in inside}), len(inside))
        if score > best_score:
            best, best_score = i, score
    anchor = marks[best].start
    start = _cut_start(text, anchor, max(20, width // 5))
    end = _cut_end(text, start, width)
    end = max(end, min(len(text), marks[best].end))
    return _parts(text, start, end, marks, start > 0, end < len(text))


def _cut_start(text: str, anchor: int, lead: int) -> int:
    """Start of the sentence holding anchor when near, else a soft break or word edge."""
    lo = max(0, anchor - lead)
    window = text[lo:anchor]
    for breaks in (_SENTENCE_END, _SOFT_BREAK + " "):
        cut = max(window.rfind(ch) for ch in breaks)
        if cut >= 0:
            return lo + cut + 1
    return lo


def _cut_end(text: str, start: int, width: int) -> int:
    """End of the last sentence that fits, else a soft break or word edge."""
    end, used = start, 0
    while end < len(text) and used < width:
        used += 2 if _WIDE.match(text[end]) else 1
        end += 1
    if end >= len(text):
        return len(text)
    window = text[start:end]
    floor = len(window) // 2
    for breaks in (_SENTENCE_END, _SOFT_BREAK, " "):
        cut = max(window.rfind(ch) for ch in breaks)
        if cut >= floor:
            return start + cut + 1
    return end


def _parts(text: str, start: int, end: int, marks: list[Span], lead: bool, trail: bool) -> Snippet:
    parts: list[tuple[str, bool]] = []
    if lead:
        parts.append(("…", False))
    cursor = start
    for m in marks:
        s, e = max(m.start, cursor), min(m.end, end)
        if e <= s:
            continue
        if s > cursor:
            parts.append((text[cursor:s], False))
        parts.append((text[s:e], True))
        cursor = e
    if cursor < end:
        parts.append((text[cursor:end], False))
    if trail:
        parts.append(("…", False))
    cleaned = [(" ".join(t.split()) if not hit else t, hit) for t, hit in parts]
    # Keep single spaces that separated words; drop parts that whitespace folding emptied.
    result = []
    for (t, hit), (orig, _) in zip(cleaned, parts, strict=True):
        if not hit:
            if orig[:1].isspace() and t:
                t = " " + t
            if orig[-1:].isspace() and t:
                t = t + " "
            if not t and orig:
                t = " " if not orig.strip() and orig else t
        if t:
            result.append((t, hit))
    return Snippet(tuple(result))
