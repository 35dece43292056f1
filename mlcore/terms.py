"""Free-text requirement terms: what a recruiter types or a posting names that the skills taxonomy
does not know ("month-end close", "ServSafe", "bachelor's in accounting"), matched lexically in a
resume with the character spans that prove them.

Matching folds case, plurals and possessives, treats spaces, hyphens and slashes inside a term as
interchangeable ("front-end" = "front end" = "frontend"), reads "&" as "and", and keeps word
boundaries ("art" is not in "start"). Short acronyms ("RN", "CPA", "GL") match upper-case only, so
"it", "er" and "ap" in prose find nothing. Filler words around a term ("experience with",
"knowledge of", "strong", "skills") are not required to appear. A term of several words also
counts when all its content words sit in one sentence of the resume, near each other, in any
order ("accounting degree" in "Bachelor of Science in Accounting").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "MAX_TERM_CHARS",
    "TermMatcher",
    "core_term",
    "split_term_list",
    "term_key",
]

Span = tuple[int, int]

MAX_TERM_CHARS = 120
# How far apart (in words) the content words of a term may sit in a loose match.
LOOSE_WINDOW_WORDS = 8

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015"
_SEPARATORS_RE = re.compile(rf"[\s\-_/{_DASHES}]+")
_WORD_RE = re.compile(r"[^\W_]+(?:['’.+#][^\W_]+)*[+#]*|[.][^\W_]+|&")
# What may stand between the words of a term in a resume: "front-end", "front end", "frontend".
_WORD_GAP = rf"[\s\-_/.{_DASHES}]*"
_PAREN_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# Filler that frames a skill without being part of it. Leading phrases are removed repeatedly
# ("strong working knowledge of"), trailing ones once.
_LEADING_FILLER_RE = re.compile(
    r"^(?:(?:proven|demonstrated|hands[\s-]on|working|solid|strong|excellent|good|great|"
    r"advanced|basic|deep|extensive|proficient|expert|some|prior|previous|relevant|"
    r"at least \d+\+? years?(?: of)?|\d+\+? years?(?: of)?|minimum(?: of)? \d+ years?(?: of)?)\s+"
    r"|(?:experience|expertise|proficiency|knowledge|understanding|familiarity|background|"
    r"skills?|competence|fluency)\s+(?:in|with|of|using|on)\s+"
    r"|(?:familiar|experienced|proficient|skilled|fluent|comfortable|certified)\s+"
    r"(?:in|with|on|using)\s+"
    r"|(?:ability|able)\s+to\s+)",
    re.IGNORECASE,
)
_TRAILING_FILLER_RE = re.compile(
    r"\s+(?:skills?|experience|knowledge|expertise|abilities|ability|proficiency|"
    r"background)$",
    re.IGNORECASE,
)
# Words that carry no meaning of their own in a loose match.
# fmt: off
_STOPWORDS = frozenset(
    {
        "a", "an", "and", "or", "the", "of", "in", "on", "for", "to", "with", "at", "by", "as",
        "from", "into", "using", "via", "per", "&", "is", "be", "are", "s",
    }
)
# fmt: on
_ACRONYM_MAX = 4
# Words a recruiter writes for what resumes spell out otherwise (loose matches only).
_DEGREE = r"degree|bachelor|master|diploma|b\.?sc?\b|b\.?a\b|m\.?sc?\b|mba|ph\.?d"
_WORD_ALIASES: dict[str, tuple[str, ...]] = {
    "degree": (_DEGREE,),
    "bachelor": (r"bachelor|b\.?sc?\b|b\.?a\b|undergraduate",),
    "master": (r"master|m\.?sc?\b|mba\b",),
    "year": (r"years?|yrs?",),
}
_LIST_ITEM_SPLIT_RE = re.compile(r"[\n;,|•·▪◦●]+")


@dataclass(frozen=True)
class _Word:
    text: str  # as typed, lower-case
    pattern: str  # regex for the word with its plural/possessive forms


def _stem_variants(word: str) -> str:
    """A regex matching ``word`` (lower-case) in its singular and plural forms."""
    if not word.isalpha() or len(word) < 3:
        return re.escape(word)
    if word.endswith("ies") and len(word) > 4:
        stem, forms = word[:-3], ("y", "ies")
    elif word.endswith(("sses", "xes", "zes", "ches", "shes")):
        stem, forms = word[:-2], ("", "es")
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        stem, forms = word[:-1], ("", "s")
    elif word.endswith("y") and len(word) > 3 and word[-2] not in "aeiou":
        stem, forms = word[:-1], ("y", "ies")
    elif word.endswith(("s", "x", "z", "ch", "sh")):
        stem, forms = word, ("", "es")
    else:
        stem, forms = word, ("", "s")
    alternatives = "|".join(re.escape(f) for f in forms)
    # A long single word may be written split: "frontend" = "front-end", "email" = "e-mail".
    body = "[\\s-]?".join(re.escape(c) for c in stem) if len(stem) >= 5 else re.escape(stem)
    return f"{body}(?:{alternatives})(?:['’]s)?"


def _loose_variants(word: str) -> str:
    """A looser regex for one content word: any inflection ("close" = "closing" = "closed") and
    the few synonyms recruiters use for degrees."""
    if word in _WORD_ALIASES:
        return "(?:" + "|".join(_WORD_ALIASES[word]) + ")"
    if not word.isalpha() or len(word) < 4:
        return _stem_variants(word)
    stem = re.sub(r"(?:ing|ed|es|e|s|y|ies)$", "", word)
    if len(stem) < 3:
        return _stem_variants(word)
    return re.escape(stem) + r"(?:e|es|ed|ing|s|y|ies|ion|ions)?"


def _words(term: str) -> list[str]:
    """Lower-case words of a term, possessives dropped ("bachelor's" -> "bachelor")."""
    return [re.sub(r"['’]s$", "", w.lower()) for w in _WORD_RE.findall(term)]


def core_term(term: str) -> str:
    """The part of a term that must appear in a resume: without framing filler or brackets.

    >>> core_term("Strong working knowledge of QuickBooks (Online)")
    'QuickBooks'
    >>> core_term("Excellent communication skills")
    'communication'
    """
    text = " ".join(_PAREN_RE.sub(" ", term).split())
    for _ in range(4):
        stripped = _LEADING_FILLER_RE.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    stripped = _TRAILING_FILLER_RE.sub("", text)
    text = stripped if stripped.strip() else text
    return text.strip(" .,:;-") or " ".join(term.split())


def term_key(term: str) -> str:
    """Case-, spacing- and plural-insensitive key of a term, for de-duplication.

    ``"Month-end closes"`` and ``"month end close"`` share one key.
    """
    words = _words(core_term(term))
    folded = []
    for w in words:
        if w.isalpha() and len(w) > 3 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif w.isalpha() and len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        folded.append("and" if w == "&" else w)
    return " ".join(folded)


def split_term_list(text: str, *, max_terms: int = 50) -> list[str]:
    """Items of a pasted list of terms ("Excel, GAAP; month-end close\\nQuickBooks")."""
    out: list[str] = []
    seen: set[str] = set()
    for item in _LIST_ITEM_SPLIT_RE.split(text):
        item = " ".join(item.split()).strip(" .:-*")
        key = term_key(item) if item else ""
        if key and key not in seen:
            seen.add(key)
            out.append(item[:MAX_TERM_CHARS])
        if len(out) >= max_terms:
            break
    return out


class TermMatcher:
    """Finds one free-text term in texts; build once, use on many resumes.

    Parameters
    ----------
    term : str
        What the recruiter typed or the posting named. At most :data:`MAX_TERM_CHARS`
        characters; longer input raises ``ValueError``.
    """

    def __init__(self, term: str) -> None:
        if not isinstance(term, str) or not term.strip():
            raise ValueError("A term needs at least one letter or digit.")
        if len(term) > MAX_TERM_CHARS:
            raise ValueError(f"A term has at most {MAX_TERM_CHARS} characters.")
        self.term = " ".join(term.split())
        core = core_term(self.term)
        words = _words(core)
        if not words:
            raise ValueError("A term needs at least one letter or digit.")
        self.key = term_key(self.term)
        compact = core.replace(" ", "")
        # "RN", "CPA", "GL", "A/P": upper-case only, else "it" or "er" in prose would match.
        self._case_sensitive = len(words) <= 2 and (
            (len(compact) <= _ACRONYM_MAX and compact.isupper())
            or (len(compact) <= 2 and compact.isalpha())
        )
        if self._case_sensitive:
            pattern = re.escape(core.upper())
            flags = 0
        else:
            pieces = ["(?:and|&)" if w in ("and", "&") else _stem_variants(w) for w in words]
            pattern = _WORD_GAP.join(pieces)
            flags = re.IGNORECASE
        start = r"(?<![^\W_])" if core[0].isalnum() else ""
        end = r"(?![^\W_]|[+#])" if core[-1].isalnum() else r"(?![^\W_])"
        self._exact = re.compile(start + pattern + end, flags)
        content = [w for w in words if w not in _STOPWORDS]
        # Loose matching only for terms of 2-4 content words: one word is the exact match, and
        # five scattered words prove little.
        self._loose = (
            [re.compile(r"(?<![^\W_])" + _loose_variants(w) + r"(?![^\W_])", re.I) for w in content]
            if 2 <= len(content) <= 4 and not self._case_sensitive
            else []
        )

    def __repr__(self) -> str:
        return f"TermMatcher({self.term!r})"

    def find(self, text: str, *, limit: int = 5) -> tuple[Span, ...]:
        """Spans of ``text`` that prove the term, at most ``limit``; empty when absent.

        Exact occurrences come first; without one, a loose match gives the span from the first
        to the last content word of the tightest group found within one sentence.
        """
        if not text:
            return ()
        spans = [m.span() for m in self._exact.finditer(text)][:limit]
        if spans or not self._loose:
            return tuple(spans)
        return self._find_loose(text)

    def _find_loose(self, text: str) -> tuple[Span, ...]:
        hits = [[m.span() for m in pattern.finditer(text)] for pattern in self._loose]
        if any(not h for h in hits):
            return ()
        # Word offsets let the window be measured in words; sentence ends break a group.
        anchors = sorted(hits, key=len)[0]
        best: tuple[int, Span] | None = None
        for anchor in anchors[:50]:
            group = [anchor]
            for other in hits:
                if anchor in other:
                    continue
                near = min(other, key=lambda s: abs(s[0] - anchor[0]))
                group.append(near)
            start, end = min(s[0] for s in group), max(s[1] for s in group)
            between = text[start:end]
            if len(_WORD_RE.findall(between)) > LOOSE_WINDOW_WORDS + len(group):
                continue
            if re.search(r"[.!?;]\s|\n\s*\n", between):
                continue
            if best is None or end - start < best[0]:
                best = (end - start, (start, end))
        return (best[1],) if best else ()


@lru_cache(maxsize=4096)
def matcher_for(term: str) -> TermMatcher:
    """A compiled :class:`TermMatcher`, cached: the same terms recur across requests."""
    return TermMatcher(term)


def find_terms(text: str, terms: Iterable[str]) -> dict[str, tuple[Span, ...]]:
    """``{term: spans}`` for every term found in ``text`` (terms not found are left out)."""
    out: dict[str, tuple[Span, ...]] = {}
    for term in terms:
        spans = matcher_for(term).find(text)
        if spans:
            out[term] = spans
    return out


def unique_terms(terms: Sequence[str]) -> list[str]:
    """``terms`` without blanks and key-level repeats (first spelling kept), whitespace tidied."""
    seen: set[str] = set()
    out = []
    for term in terms:
        term = " ".join(str(term).split())
        key = term_key(term) if term else ""
        if key and key not in seen:
            seen.add(key)
            out.append(term)
    return out
