"""Names across languages and scripts: a query's other forms, and why a hit matched."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from whoosh import query as wq

from indexer.analysis.fold import fold, has_han, without_interpunct
from indexer.analysis.names import NameTable, demonyms, english_key
from indexer.analysis.numbers import other_number_form
from indexer.analysis.sounds import SoundModel, sound_model
from indexer.analysis.tokens import (
    STOP_WORDS,
    capitalised,
    english_term,
    name_term,
    name_terms,
)
from indexer.engine.spelling import Lexicon
from indexer.search.highlight import Span, Targets
from indexer.search.query import words_of
from indexer.search.suggest import MIN_HITS_BEFORE_SUGGESTING
from indexer.store.schema import SEARCH_FIELDS

# --- names across languages ------------------------------------------------------------

#: Weight of another form of a query word (騰訊 for Tencent) relative to the word itself.
EXPANSION_BOOST = 0.5
#: Weight of a common word's translation (big data for 大数据), which is only added beside
#: a name that crosses languages: below a name's forms, since a word has many senses.
TRANSLATION_BOOST = 0.3
#: Weight of a count written the other way (3人 for 三人): the same words.
NUMBER_BOOST = 1.0
MAX_RUN = 4  # query words one English name may span ("Bank of New York")
PINYIN_MAX_DF = 20  # a single word this common in the index is English, not pinyin
#: A surname alone that is a common word ("Jobs") is searched only when at most this many
#: times as many articles hold it as hold the full name ("Steve Jobs").
COMMON_SURNAME_RATIO = 2
_ASCII_WORD = re.compile(r"[a-z0-9][a-z0-9'.&-]*\Z")
_LETTERS = re.compile(r"[a-z]+")


class Forms(NamedTuple):
    """The other forms of a word or name."""

    names: list[str]  # the name in the other language (Tencent → 腾讯), or its pinyin's name
    regional: list[str]  # the other region's word (软件 → 軟體)
    translations: list[str]  # a common word in the other language (大数据 → big data)
    numbers: tuple[str, ...] = ()  # a count written the other way (三人 → 3人)


#: Kinds of explanation: why a hit matched a form the reader did not type.
NAME, REGIONAL, TRANSLATION, NUMBER = "name", "regional", "translation", "number"


@dataclass(frozen=True)
class Explanation:
    """A hit matched `form` (as the article writes it) for the query words `for_`."""

    kind: str  # NAME, REGIONAL, TRANSLATION or NUMBER
    form: str
    for_: str

    def __str__(self) -> str:
        return f"matched {self.form} for {self.for_}"

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "form": self.form, "for": self.for_, "text": str(self)}


class OtherForms(wq.Or):  # type: ignore[misc]
    """The other forms of a query word or name (騰訊 for Tencent), beside the words as typed."""


Words = list[tuple[tuple[str, ...], list[wq.Query]]]


def _count_at(children: list[wq.Query], i: int) -> tuple[int, Words, Words] | None:
    """A count in digits at children[i] and what follows it: (children it spans, the
    count's words, the rest of the Chinese word after it). 3 人死亡 is the count 3人 and
    the rest 死亡; 第 3 届 is the count 第3届."""
    words: Words = []
    for child in children[i : i + 3]:
        found = word_leaves(child)
        if found is None:
            break
        words.append(found)
    keys = [k for k, _ in words]
    start = 1 if keys and keys[0] == ("第",) else 0
    if len(keys) < start + 2:
        return None
    digits, han = keys[start], keys[start + 1]
    if len(digits) != 1 or not digits[0].isdigit() or not all(has_han(t) for t in han):
        return None
    unit = [*words[: start + 1], ((han[0],), words[start + 1][1])]
    rest = [(han[1:], words[start + 1][1])] if len(han) > 1 else []
    return start + 2, unit, rest


def _in_a_row(words: Words) -> wq.Query:
    """Words as one phrase (or a term) in each field of the first word's leaves."""
    key = [t for w, _ in words for t in w]
    leaves = words[0][1]
    if len(key) == 1:
        return wq.Or([wq.Term(leaf.fieldname, key[0], boost=leaf.boost) for leaf in leaves])
    return wq.Or([wq.Phrase(leaf.fieldname, key, boost=leaf.boost) for leaf in leaves])


@dataclass
class Expansion:
    """A query rewritten with other forms of its names, and what each form stands for."""

    query: wq.Query
    #: highlight label of an added term or phrase → the query words it stands for
    labels: dict[str, str] = field(default_factory=dict)
    #: highlight label of an added term or phrase → what kind of form it is (NAME, …)
    kinds: dict[str, str] = field(default_factory=dict)
    #: also translate common words (only once a name crossed languages)
    translate: bool = False
    #: a name was expanded into the other language (Chinese for English or the reverse)
    crosses: bool = False
    #: names of the query known in the other language: the words as typed → their terms
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)


def expand_query(
    q: wq.Query,
    text: str,
    schema: Any,
    table: NameTable,
    reader: Any = None,
    translate: bool = False,
) -> Expansion:
    """Add the other forms of the names in a query, weighted below the words as typed.

    Tencent → 腾讯 (which also finds 騰訊), 马云 → "Jack Ma", "ma yun" → 马云, 软件 → 軟體.
    With `translate`, common words that are not names are translated too, weighted lower
    still: 马云 贵阳 大数据 also looks for "big data" (see `search` for when).
    """
    out = Expansion(q, translate=translate)
    out.query = _expand_node(q, text, schema, table, reader, out, top=True)
    if reader is not None:
        out.query = _names_as_written(out.query, text, table, reader)
    return out


def _names_as_written(q: wq.Query, text: str, table: NameTable, reader: Any) -> wq.Query:
    """The names a reader typed capitalised, searched as articles write them: by the
    unstemmed term the index holds for a capitalised word whose stem is another word's too
    (Federer, not every article holding the stem "feder" that federal shares; Cannes, not
    Canon's ticker Cann.T). Only a name the tables know, and no common English word in
    any of its inflections (Apple, Jobs): other capitalised words (Lockdowns at the start
    of a query) are searched by their stems. Other forms are left as they are."""
    if isinstance(q, OtherForms):
        return q
    if type(q) is wq.Term and q.fieldname in SEARCH_FIELDS:
        start, end = getattr(q, "startchar", None), getattr(q, "endchar", None)
        if not isinstance(start, int) or not isinstance(end, int):
            return q
        typed = text[start:end]
        written = name_term(typed.lower()) if capitalised(typed) else None
        if (
            written is None
            or english_term(typed.lower()) != q.text
            or _inflects(written, table.terms.words)
            or not table.chinese_for((q.text,))
            or not reader.doc_frequency("body", written)
        ):
            return q
        found = wq.Term(q.fieldname, written, boost=q.boost)
        found.startchar, found.endchar = start, end
        return found
    if q.is_leaf():
        return q
    return q.apply(lambda child: _names_as_written(child, text, table, reader))


def _inflects(word: str, common: frozenset[str]) -> bool:
    """Whether a word is a common English word or one of its inflections (elections,
    studies, jobs, housing)."""
    forms = {word}
    for ending, base in (
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
    ):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            forms.add(word[: -len(ending)] + base)
    return not forms.isdisjoint(common)


def expand_search(searcher: Any, q: wq.Query, typed: str, table: NameTable) -> Expansion:
    """A reader's query with its names' other forms, as the results page and the article
    page both read it.

    A name in the other language (马云 → Jack Ma) hints that the story may be told there;
    when few articles hold every word as typed, the common words are translated too
    (大数据 → big data), so that such a story can hold them all.
    """
    text = words_of(typed, searcher.schema)
    reader = searcher.reader()
    expansion = expand_query(q, text, searcher.schema, table, reader)
    if expansion.crosses and few_hold_every_word(searcher, q):
        expansion = expand_query(q, text, searcher.schema, table, reader, True)
    return expansion


def few_hold_every_word(searcher: Any, q: wq.Query) -> bool:
    """Whether fewer than a page of articles hold every word of a query as typed."""
    words = regroup(list((q.a if isinstance(q, wq.AndNot) else q).children()))
    if len(words) < 2:
        return False
    every = wq.And(words)
    held = 0
    # Walked match by match, stopping at a page: Whoosh's docs_for_query lists every
    # article holding one of the words first.
    for sub, _ in searcher.leaf_searchers():
        matcher = every.matcher(sub, sub.boolean_context())
        while matcher.is_active() and held < MIN_HITS_BEFORE_SUGGESTING:
            held += 1
            matcher.next()
        if held >= MIN_HITS_BEFORE_SUGGESTING:
            return False
    return True


def word_leaves(node: wq.Query) -> tuple[tuple[str, ...], list[wq.Query]] | None:
    """The words of a query node that stands for one word or phrase, and its per-field leaves."""
    leaves = [node] if isinstance(node, wq.Term | wq.Phrase) else None
    if leaves is None and type(node) is wq.Or:
        leaves = list(node.children())
    if not leaves or not all(
        isinstance(n, wq.Term | wq.Phrase)
        and type(n) in (wq.Term, wq.Phrase)
        and n.fieldname in SEARCH_FIELDS
        for n in leaves
    ):
        return None
    keys = {_words(n) for n in leaves}
    if len(keys) != 1:
        return None
    return keys.pop(), leaves


def _words(node: wq.Query) -> tuple[str, ...]:
    if isinstance(node, wq.Phrase):
        return tuple(str(w) for w in node.words)
    value = node.text
    return (value.decode("utf-8") if isinstance(value, bytes) else str(value),)


def _written_as_name(nodes: list[wq.Query], text: str) -> bool:
    """Whether the reader wrote some query words as a name: with a capital letter, or in
    quotes (a hyphenated word counts as quoted). True when the parser kept no offsets."""
    leaves = [leaf for n in nodes for leaf in n.leaves()]
    spans = [(getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)) for leaf in leaves]
    known = [(s, e) for s, e in spans if isinstance(s, int) and isinstance(e, int)]
    if not known or len(known) < len(spans):
        return True
    start, end = min(s for s, _ in known), max(e for _, e in known)
    typed = text[start:end]
    quoted = start > 0 and text[start - 1] == '"'
    # In a query of capitalised words ("Central Bank Raises Rates"), capitals mark nothing.
    words = re.findall(r"[A-Za-z]+", text)
    title_case = len(words) > 1 and all(w[0].isupper() for w in words)
    return quoted or (not title_case and any(ch.isupper() for ch in typed))


def _typed(nodes: list[wq.Query], text: str, fallback: str) -> str:
    """The query text a reader typed for some nodes, when the parser kept its offsets."""
    starts = [getattr(leaf, "startchar", None) for n in nodes for leaf in n.leaves()]
    ends = [getattr(leaf, "endchar", None) for n in nodes for leaf in n.leaves()]
    if starts and None not in starts and None not in ends:
        typed = text[min(starts) : max(ends)].replace('"', "").strip()  # type: ignore[type-var]
        if typed:
            return typed
    if has_han(fallback):
        # A Chinese word as the reader wrote it (比爾蓋茲), not as folded (比尔盖兹).
        folded, origin = fold(text)
        at = folded.find(fallback)
        if at >= 0 and len(folded) == len(origin or folded):
            last = at + len(fallback) - 1
            return text[origin[at] : origin[last] + 1] if origin else text[at : last + 1]
    # Words apart in the parsed query may stand with hyphens or quotes between them.
    found = re.search(r"[\W_]+".join(map(re.escape, fallback.split())), text, re.IGNORECASE)
    return found.group(0).replace('"', "") if found else fallback


def _expand_node(
    q: wq.Query,
    text: str,
    schema: Any,
    table: NameTable,
    reader: Any,
    out: Expansion,
    top: bool = False,
) -> wq.Query:
    if top and word_leaves(q) is not None:
        # One word: expanded as the only child of a group, then taken out of it. Not with
        # normalize(), which would merge its OtherForms (an Or) into the word's Or and so
        # lose what marks them as other forms of the same word.
        expanded = _expand_node(wq.And([q]), text, schema, table, reader, out)
        children = list(expanded.children())
        return children[0] if len(children) == 1 else expanded
    if type(q) not in (wq.And, wq.Or):
        if q.is_leaf():
            return q
        return q.apply(lambda child: _expand_node(child, text, schema, table, reader, out))
    children = regroup(list(q.children()))
    new: list[wq.Query] = []
    i = 0
    while i < len(children):
        count = _count_at(children, i)
        number = _count(count[1], schema, out) if count else None
        if count and number is not None:
            # A count is its words in a row, or as written the other way (3人, 三人); the
            # rest of the Chinese word after it (死亡 of 3人死亡) stays a word of its own.
            new.append(wq.Or([_in_a_row(count[1]), number]))
            new.extend(_in_a_row([word]) for word in count[2])
            if count[2] and type(q) is wq.Or:
                new.append(_in_a_row(count[1] + count[2]))  # all of 3人死亡 ranks first
            i += count[0]
            continue
        done = False
        for size in range(min(MAX_RUN, len(children) - i), 0, -1):
            run = children[i : i + size]
            words = [word_leaves(n) for n in run]
            if any(w is None for w in words):
                continue
            expansion = _alternatives(
                [w for w in words if w], run, text, schema, table, reader, out
            )
            if expansion is None:
                continue
            if type(q) is wq.Or and size == 1:
                new.append(wq.Or([*run, expansion]))
            else:
                # A name of several words is one thing: "Lee Teng-hui" is not any article
                # that says "Lee", whatever the operator.
                literal = run[0] if size == 1 else wq.And(run)
                new.append(wq.Or([literal, expansion]))
            i += size
            done = True
            break
        if not done:
            child = children[i]
            new.append(
                child
                if word_leaves(child)
                else _expand_node(child, text, schema, table, reader, out)
            )
            i += 1
    return type(q)(new, boost=q.boost)


def regroup(children: list[wq.Query]) -> list[wq.Query]:
    """Under OR the parser flattens words into one list of per-field terms: group them again."""
    out: list[wq.Query] = []
    group: list[wq.Query] = []
    for child in [*children, None]:
        same = (
            child is not None
            and group
            and type(child) in (wq.Term, wq.Phrase)
            and _words(child) == _words(group[0])
        )
        if same:
            group.append(child)  # type: ignore[arg-type]
            continue
        if group:
            out.append(group[0] if len(group) == 1 else wq.Or(group))
        group = [child] if child is not None and type(child) in (wq.Term, wq.Phrase) else []
        if child is not None and not group:
            out.append(child)
    return out


def other_forms(
    key: tuple[str, ...],
    table: NameTable,
    reader: Any = None,
    translate: bool = False,
    as_name: bool = False,
) -> Forms | None:
    """Other forms of a word or name given as analyzed terms; None when the terms are
    neither all Chinese nor all English. A name crosses languages when `names` is not
    empty. With `translate`, a word that is not a name is translated (大数据 → big data).
    An English word is a name only when it was written as one (`as_name`: capitalised or
    quoted) or is the whole gloss of a name (china → 中国): a common word typed in lower
    case ("central bank") is not the name it may also be (中環 Central), and function words
    ("the", "us") are never expanded.
    """
    if all(has_han(t) for t in key):
        han = "".join(key)
        english = _without_common_surnames(table.english_for(han), table, reader)
        synonyms = table.synonyms(han)
        # The other regions' forms of the name, through the English name they share
        # (梅克爾 → Merkel → 默克尔).
        regional = [c for c in table.regional_forms(han, english) if c not in synonyms]
        translations = table.term_english(han, key) if not english and translate else []
        if not english and not synonyms and not regional and han not in table.terms.to_english:
            # A foreign name no table holds, by its sound (尤科斯 → Yukos).
            english = _by_sound(han, table, reader)
        number = other_number_form(han)
        # A country's English adjective too (衣索比亞 → Ethiopia, Ethiopian): English news
        # says "an Ethiopian runner", which no stemmed form of the name matches.
        english += [a for name in english for a in demonyms(name) if a not in english]
        return Forms(
            english,
            [table.written(s) for s in [*synonyms, *regional]],
            translations,
            (number,) if number else (),
        )
    if not all(_ASCII_WORD.match(t) for t in key):
        return None
    if not as_name and all(t in STOP_WORDS for t in key):
        return Forms([], [], [])
    common = not as_name and len(key) == 1 and table.is_common_word(key[0])
    translations = []
    chinese = table.chinese_for(key, exact=common)
    if not chinese and translate:
        translations = [table.written(c) for c in table.term_chinese(key)]
    elif (
        not chinese
        and len(key) == 1
        and reader is not None
        and reader.doc_frequency("body", key[0]) > PINYIN_MAX_DF
    ):
        return Forms([], [], [])  # one word the index knows as a common word: not pinyin
    if not chinese and not translations and (len(key) > 1 or len(key[0]) >= 4):
        chinese = table.chinese_for_pinyin("".join(key))
    return Forms([table.written(c) for c in chinese], [], translations)


def _by_sound(
    chinese: str,
    table: NameTable,
    reader: Any,
    model: SoundModel | None = None,
    lexicon: Lexicon | None = None,
) -> list[str]:
    """The English word of the archive a Chinese transliteration most likely spells, as a
    name (Yukos for 尤科斯), when the sound model is sure of it; see
    `indexer.analysis.sounds`. Only words the archive holds in at least two articles, and
    no common English word."""
    model = model or sound_model()
    if reader is None or model is None or model.syllables(chinese) is None:
        return []
    lexicon = lexicon or Lexicon(reader)

    def is_word(word: str) -> bool:
        # The model spells words of letters only.
        return (
            word in lexicon
            and word not in table.terms.words
            and not table.is_common_word(english_term(word))
            and reader.doc_frequency("body", word) >= 2
        )

    found = model.best(chinese, lexicon.has_prefix, is_word, english_term)
    return [found.capitalize()] if found else []


def _chinese_by_sound(
    typed: str,
    key: tuple[str, ...],
    table: NameTable,
    reader: Any,
    model: SoundModel | None = None,
    words: list[str] | None = None,
) -> list[str]:
    """The Chinese word of the archive most likely written for an English name no table
    holds, typed as a name (Yukos → 尤科斯), when the sound model is sure of it: among the
    archive's Chinese words of three to six characters that may be transliterations
    (`words`), one at least two articles hold. Not for a common English word."""
    model = model or sound_model()
    if reader is None or model is None or len(key) != 1:
        return []
    word = typed.strip().lower()
    if not _LETTERS.fullmatch(word) or word in table.terms.words or table.is_common_word(key[0]):
        return []
    if words is None:
        words = Lexicon(reader).select("transliterations", lambda w: bool(model.syllables(w)))
    found = model.best_chinese(word, words)
    return [found] if found and reader.doc_frequency("body", found) >= 2 else []


def _without_common_surnames(english: list[str], table: NameTable, reader: Any) -> list[str]:
    """A Chinese name's English names without a surname alone that the archive mostly
    holds as a common word: 乔布斯 is "Steve Jobs", not every article about jobs.

    A one-word name that is also a common English word ("Jobs", "Bush") and the last word
    of a full name beside it ("Steve Jobs", "George Bush") is dropped when more than
    `COMMON_SURNAME_RATIO` times as many articles hold the word as hold the full name:
    then most of its articles use the word, not the name ("Bush" stays: most articles
    holding it name George Bush)."""
    if reader is None or len(english) < 2:
        return english
    keys = {name: english_key(name) for name in english}
    out = []
    for name, key in keys.items():
        full = [n for n, k in keys.items() if len(k) > 1 and k[-1] == key[-1]]
        if len(key) == 1 and full and table.is_common_word(key[0]):
            # Counted as the search finds them: by the words as articles write a name
            # (Federer is not federal, whose stem it shares; Jobs is the plural of job).
            named: set[int] = set()
            for n in full:
                named |= _holding(reader, _name_key(n, keys[n], table))
            if len(_holding(reader, _name_key(name, key, table))) > COMMON_SURNAME_RATIO * len(
                named
            ):
                continue
        out.append(name)
    return out


def _name_key(name: str, key: Iterable[str], table: NameTable) -> tuple[str, ...]:
    """The terms that find an English name as articles write it: a capitalised word that is
    no common English word by its unstemmed term (Federer, not every article holding the
    stem "feder" that federal shares; Cannes, not Canon's ticker Cann), other words by
    their stems (a Ferry is also the ferries)."""
    written = name_terms(name)
    stems = tuple(key)
    if len(written) != len(stems):
        return stems
    common = table.terms.words
    return tuple(
        w if w != s and w not in common else s for w, s in zip(written, stems, strict=True)
    )


def _holding(reader: Any, key: tuple[str, ...]) -> set[int]:
    """The articles whose body holds every one of some analysed words."""
    found: set[int] | None = None
    for word in key:
        ids = set(reader.postings("body", word).all_ids()) if ("body", word) in reader else set()
        found = ids if found is None else found & ids
        if not found:
            return set()
    return found or set()


def _alternatives(
    words: list[tuple[tuple[str, ...], list[wq.Query]]],
    run: list[wq.Query],
    text: str,
    schema: Any,
    table: NameTable,
    reader: Any,
    out: Expansion,
) -> wq.Query | None:
    """Other forms of a run of query words, as a query over the same fields, or None."""
    key = tuple(t for w, _ in words for t in w)
    leaves = words[0][1]
    if all(has_han(t) for t in key) and len(words) > 1:
        return None
    as_name = not has_han(key[0]) and _written_as_name(run, text)
    found = other_forms(key, table, reader, out.translate, as_name)
    if found is None:
        return None
    shown = _typed(run, text, "".join(key) if has_han(key[0]) else " ".join(key))
    if not found.names and not has_han(key[0]):
        found = Forms(
            _by_family_name(key, shown, table)
            or (_chinese_by_sound(shown, key, table, reader) if as_name else []),
            found.regional,
            found.translations,
            found.numbers,
        )
    out.crosses |= bool(found.names)
    if found.names:
        out.names.setdefault(shown, key)
    weighted = [(f, EXPANSION_BOOST, NAME) for f in found.names]
    weighted += [(f, EXPANSION_BOOST, REGIONAL) for f in found.regional]
    weighted += [(t, TRANSLATION_BOOST, TRANSLATION) for t in found.translations]
    weighted += [(n, NUMBER_BOOST, NUMBER) for n in found.numbers]
    return _form_queries(weighted, leaves, key, shown, schema, out, table)


def _by_family_name(key: tuple[str, ...], typed: str, table: NameTable) -> list[str]:
    """The Chinese forms of a full name the table does not know, typed capitalised, whose
    last word is a name it knows as a whole (Narendra Modi → 莫迪): Chinese news names a
    foreign person by the family name. Not when any word is a common English word
    (Boris Wins), nor for one word."""
    letters = re.findall(r"[^\W\d_]+", typed)
    if not 2 <= len(key) <= 3 or len(letters) != len(key):
        return []
    if not all(map(capitalised, letters)) or any(map(table.is_common_word, key)):
        return []
    return [table.written(c) for c in table.chinese_for(key[-1:])]


def _count(words: Words, schema: Any, out: Expansion) -> wq.Query | None:
    """A count in digits (3人, 第3届) as written in Chinese numerals, or None."""
    key = tuple(t for w, _ in words for t in w)
    shown = "".join(key)
    number = other_number_form(shown)
    if number is None:
        return None
    return _form_queries([(number, NUMBER_BOOST, NUMBER)], words[0][1], key, shown, schema, out)


def _form_queries(
    weighted: list[tuple[str, float, str]],
    leaves: list[wq.Query],
    key: tuple[str, ...],
    shown: str,
    schema: Any,
    out: Expansion,
    table: NameTable | None = None,
) -> wq.Query | None:
    """Other forms, each with its weight and kind, as queries over the fields of `leaves`
    (an English name's, with the `table`, as articles write it: `_name_key`)."""
    alternatives: list[wq.Query] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for form, weight, kind in _as_written(weighted):
        as_name = kind == NAME and table is not None and not has_han(form)
        named: dict[tuple[str, ...], tuple[str, ...]] = {}  # the fields share an analyzer
        for leaf in leaves:
            tokens = [t.text for t in schema[leaf.fieldname].analyzer(form)]
            if not tokens or tuple(tokens) == key:
                continue
            if as_name:
                assert table is not None
                stems = tuple(tokens)
                if stems not in named:
                    named[stems] = _name_key(form, stems, table)
                tokens = list(named[stems])
            if (leaf.fieldname, tuple(tokens)) in seen:
                continue  # 戈登·布朗 and 戈登布朗 are cut alike
            seen.add((leaf.fieldname, tuple(tokens)))
            boost = leaf.boost * weight
            if len(tokens) == 1:
                alternatives.append(wq.Term(leaf.fieldname, tokens[0], boost=boost))
            else:
                # A phrase scores as the sum of its words: a form is one word, however
                # many pieces the analyzer makes of it (津巴布韦 is 津/巴布/韦, Zimbabwe
                # one word), so that no language's form outweighs another's by its cut.
                alternatives.append(wq.Phrase(leaf.fieldname, tokens, boost=boost / len(tokens)))
            out.labels.setdefault(" ".join(tokens), shown)
            out.kinds.setdefault(" ".join(tokens), kind)
    return OtherForms(alternatives) if alternatives else None


def _as_written(weighted: list[tuple[str, float, str]]) -> list[tuple[str, float, str]]:
    """Each form, and a Chinese name with an interpunct also without it: articles write
    比尔·盖茨 and 比尔盖茨, and the segmenter keeps the second whole (one word, not the
    phrase 比尔 盖茨)."""
    out = []
    for form, weight, kind in weighted:
        out.append((form, weight, kind))
        joined = without_interpunct(form)
        if joined != form and has_han(joined):
            out.append((joined, weight, kind))
    return out


def explain(
    marks: dict[str, tuple[str, list[Span]]],
    labels: dict[str, str],
    literal: Targets,
    kinds: dict[str, str] | None = None,
) -> list[Explanation]:
    """'matched 騰訊 for Tencent' for each span that only another form of a query word matched."""
    plain = {t for terms in literal.terms.values() for t in terms}
    plain |= {" ".join(p) for phrases in literal.phrases.values() for p in phrases}
    out: list[Explanation] = []
    seen: set[str] = set()
    for text, found in marks.values():
        for span in found:
            if span.term in labels and span.term not in plain:
                kind = (kinds or {}).get(span.term, NAME)
                why = Explanation(kind, text[span.start : span.end], labels[span.term])
                if str(why).casefold() not in seen:  # "Big Data" in a title, "big data" below
                    seen.add(str(why).casefold())
                    out.append(why)
    return out[:5]
