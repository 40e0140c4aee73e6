"""Read articles from files: HTML pages, plain text, JSON Lines.

Readers yield :class:`Article` or, for an item they cannot read, :class:`ItemError`
with its location; they never raise for bad input, so one bad item never stops a run.
This module knows nothing of the index.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from indexer.analysis.fold import detect_language
from indexer.ingest.article import Article, ItemError
from indexer.ingest.dates import first_date
from indexer.ingest.html import extract_html
from indexer.ingest.warc import is_web_archive, read_warc

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl",)
SUFFIXES = HTML_SUFFIXES + TEXT_SUFFIXES + JSONL_SUFFIXES

Item = Article | ItemError


@dataclass(frozen=True)
class InputFile:
    """A file to read and the folder it was found under (ids are relative to it)."""

    path: Path
    root: Path

    @property
    def relative(self) -> str:
        return self.path.relative_to(self.root).as_posix()


def find_inputs(paths: Iterable[Path]) -> Iterator[InputFile | ItemError]:
    """Files to read under the given files and folders, recursively, in a stable order.

    Everything met that cannot be read is reported with its path and why (a folder that
    cannot be listed, a broken symbolic link, a special file); files of other types are
    reported as skipped.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            root = path.resolve()
            for child, problem, passed_over in _walk(root):
                if problem is not None:
                    yield ItemError(str(child), problem, passed_over)
                elif child.name.startswith("."):
                    continue
                elif not child.exists():
                    yield ItemError(str(child), _broken_link(child))
                elif not child.is_file():
                    yield ItemError(
                        str(child), "not a regular file (a device, pipe or socket)", True
                    )
                elif child.suffix.lower() in SUFFIXES or is_web_archive(child):
                    yield InputFile(child, root)
                else:
                    yield ItemError(str(child), "not an article file (unknown type)", True)
        elif path.is_file():
            resolved = path.resolve()
            yield InputFile(resolved, resolved.parent)
        elif path.is_symlink():
            yield ItemError(str(path), _broken_link(path))
        else:
            yield ItemError(str(path), "no such file or folder")


def _walk(root: Path) -> list[tuple[Path, str | None, bool]]:
    """Every file under root, sorted, and every folder not read, with why and whether it
    was passed over on purpose (skipped) rather than unreadable (failed).

    Links to folders are followed, each folder once (a link back up would loop)."""
    found: list[tuple[Path, str | None, bool]] = []
    seen = {os.path.realpath(root)}

    def unlisted(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else root
        found.append((where, f"cannot list folder: {exc.strerror or exc}", False))

    for folder, dirs, files in os.walk(root, onerror=unlisted, followlinks=True):
        for name in list(dirs):
            real = os.path.realpath(os.path.join(folder, name))
            if real in seen:
                dirs.remove(name)
                if not name.startswith("."):
                    found.append(
                        (Path(folder) / name, f"link to a folder read already: {real}", True)
                    )
            seen.add(real)
        found.extend((Path(folder) / name, None, False) for name in files)
    return sorted(found, key=lambda item: item[0])


def _broken_link(path: Path) -> str:
    try:
        target = os.readlink(path)
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    try:
        path.stat()
    except OSError as exc:
        return f"broken symbolic link to {target}: {exc.strerror or exc}"
    return f"broken symbolic link to {target}"


def read_inputs(paths: Iterable[Path], max_bytes: int | None = None) -> Iterator[Item]:
    """Every article (or error) under the given paths."""
    for found in find_inputs(paths):
        if isinstance(found, ItemError):
            yield found
        else:
            yield from read_file(found, max_bytes)


def read_file(found: InputFile, max_bytes: int | None = None) -> Iterator[Item]:
    """The articles in one file, by its suffix."""
    path = found.path
    where = str(path)
    if is_web_archive(path):
        # Streamed record by record: exempt from the file cap, each record is capped.
        yield from read_warc(path, max_bytes)
        return
    try:
        size = path.stat().st_size
        if size == 0:
            yield ItemError(where, "empty file")
            return
        if max_bytes is not None and size > max_bytes:
            yield ItemError(where, f"file too large ({size} bytes; limit {max_bytes})")
            return
        suffix = path.suffix.lower()
        if suffix in JSONL_SUFFIXES:
            yield from read_jsonl(found)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield ItemError(where, f"cannot read file: {exc.strerror or exc}")
        return
    if suffix in HTML_SUFFIXES:
        yield _one(read_html_bytes(data, found.relative, where))
    else:
        yield _one(read_text_bytes(data, found, where))


def _one(item: Item) -> Item:
    if isinstance(item, Article) and not item.body.strip():
        return ItemError(item.location, "no article text found")
    return item


# --- decoding ------------------------------------------------------------------------


def looks_binary(data: bytes) -> bool:
    """NUL bytes in the first 8 KiB: not text (UTF-16 with a BOM excepted)."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode bytes: a BOM, then the declared charset, then UTF-8, then detection.

    Raises UnicodeError when no encoding gives clean text.
    """
    from indexer.ingest import encoding

    return encoding.decode(data, declared)


# --- plain text ----------------------------------------------------------------------

_TEXT_HEADER = re.compile(
    r"^\s*date\s+(?P<date>\d{4}-\d{2}-\d{2})\s+By\s+(?P<author>.+?)\s*/\s*(?P<source>.+?)\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?。！？」”\"…:：;；]\s*$")


def read_text_bytes(data: bytes, found: InputFile, where: str) -> Item:
    """A .txt article: optional `date YYYY-MM-DD By AUTHOR / SOURCE` header, blank line, body."""
    if looks_binary(data):
        return ItemError(where, "binary file, not text")
    try:
        text = decode_text(data)
    except UnicodeError as exc:
        return ItemError(where, f"cannot decode text: {exc}")
    return parse_text(text, found.relative, where)


def parse_text(text: str, ident: str, where: str) -> Article:
    """Split a plain-text article into header, title and body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    author = source = None
    published = None
    if lines:
        header = _TEXT_HEADER.match(lines[0].lstrip("\ufeff"))
        if header:
            published = first_date(header["date"])
            author, source = header["author"], header["source"]
            lines = lines[1:]
    paragraphs = _paragraphs(lines)
    title = ""
    # A short first line standing alone, not ending like a sentence, is the title.
    if len(paragraphs) > 1 and "\n" not in paragraphs[0]:
        first = paragraphs[0]
        if len(first) <= 200 and not _SENTENCE_END.search(first):
            title = first
            paragraphs = paragraphs[1:]
    if not title:
        title = Path(ident).stem.replace("-", " ").replace("_", " ").strip().capitalize()
    body = "\n\n".join(paragraphs)
    lang, script = detect_language(title + "\n" + body)
    return Article(
        id=ident,
        title=title,
        body=body,
        author=author,
        source=source,
        published=published,
        lang=lang,
        script=script,
        location=where,
    )


def _paragraphs(lines: list[str]) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append("\n".join(current))
            current = []
    if current:
        out.append("\n".join(current))
    return out


# --- HTML ----------------------------------------------------------------------------


def read_html_bytes(
    data: bytes, ident: str, where: str, url: str | None = None, declared: str | None = None
) -> Item:
    """An HTML page: its article text and metadata (`declared`: a charset from HTTP)."""
    if looks_binary(data):
        return ItemError(where, "binary file, not HTML")
    try:
        page = extract_html(data, url=url, declared=declared)
    except UnicodeError as exc:
        return ItemError(where, f"cannot decode page: {exc}")
    text = page.title + "\n" + page.body
    lang, script = detect_language(text)
    if page.lang == "en" and lang == "zh":
        lang = "zh"  # the text wins over a template's default lang="en"
    return Article(
        id=page.url or ident,
        title=page.title or Path(ident).stem,
        body=page.body,
        url=page.url,
        author=page.author,
        source=page.source,
        published=page.published,
        lang=lang,
        script=script,
        location=where,
    )


# --- JSON Lines ----------------------------------------------------------------------


def read_jsonl(found: InputFile) -> Iterator[Item]:
    """One article per line; a bad line is reported with its number and skipped."""
    with found.path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            item = parse_jsonl_line(found, number, raw)
            if item is not None:
                yield item


def parse_jsonl_line(found: InputFile, number: int, raw: bytes) -> Item | None:
    """The article on one line of a JSON Lines file (None for a blank line)."""
    loc = f"{found.path}:{number}"
    if not raw.strip():
        return None
    try:
        record = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
    except UnicodeDecodeError:
        return ItemError(loc, "line is not UTF-8")
    except json.JSONDecodeError as exc:
        return ItemError(loc, f"invalid JSON: {exc.msg} (column {exc.colno})")
    if not isinstance(record, dict):
        return ItemError(loc, "line is not a JSON object")
    return _one(article_from_record(record, f"{found.relative}:{number}", loc))


def _str(record: dict[str, object], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v)
    value = str(value).strip()
    return value or None


def article_from_record(record: dict[str, object], fallback_id: str, where: str) -> Item:
    """An article from a JSON object with keys id, url, title, author, published, lang, body…"""
    url = _str(record, "url")
    body = _str(record, "body") or ""
    title = _str(record, "title") or ""
    author = _str(record, "author")
    source = _str(record, "source")
    published = first_date(_str(record, "published") or "")
    html = _str(record, "html")
    if not body and html:
        try:
            page = extract_html(html.encode("utf-8"), url=url, declared="utf-8")
        except UnicodeError as exc:
            return ItemError(where, f"cannot read html: {exc}")
        body = page.body
        title = title or page.title
        author = author or page.author
        published = published or page.published
    if not title and body:
        title = body.strip().split("\n", 1)[0][:120]
    lang, script = detect_language(title + "\n" + body)
    given_lang = (_str(record, "lang") or "").lower()
    if given_lang.startswith("zh"):
        lang = "zh"
        given_script = (_str(record, "script") or given_lang[3:]).lower()
        if given_script in ("hans", "hant"):
            script = given_script
        elif script is None:
            script = "hans"
    elif given_lang.startswith("en"):
        lang, script = "en", None
    ident = _str(record, "id") or url or fallback_id
    return Article(
        id=ident,
        title=title,
        body=body,
        url=url,
        author=author,
        source=source,
        published=published,
        lang=lang,
        script=script,
        # An exported article keeps where it was first read.
        location=_str(record, "location") or where,
    )
