"""Word tokenisation with character spans, shared by the hashing embedder and BM25.

Keeps technology names whole: ``c++``, ``c#``, ``f#``, ``.net``, ``node.js``, ``asp.net``.
"""

from __future__ import annotations

import re
import unicodedata

# A word of letters/digits, optionally followed by "+"/"#" (c++, c#) or by ".word" parts
# (node.js, asp.net); or a leading-dot name (.net). A sentence-final dot is not a ".word" part.
TOKEN_RE = re.compile(r"\.?[^\W_]+(?:\.[^\W_]+)*(?:\+\+|#|\+)?", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC + casefold, so full-width letters and case variants meet; keeps string length
    per character only approximately, so spans are taken from the original text instead."""
    return unicodedata.normalize("NFKC", text).casefold()


def tokens_with_spans(text: str) -> list[tuple[str, int, int]]:
    """``(token, start, end)`` for each word of ``text``; tokens are NFKC-casefolded."""
    out = []
    for m in TOKEN_RE.finditer(text):
        tok = normalise(m.group())
        # ".5" or "." + digits alone is a number fragment, not a ".net"-style name.
        if tok.startswith(".") and not any(c.isalpha() for c in tok):
            tok = tok[1:]
            out.append((tok, m.start() + 1, m.end()))
            continue
        out.append((tok, m.start(), m.end()))
    return out


def tokens(text: str) -> list[str]:
    """The tokens of ``text`` without spans."""
    return [t for t, _, _ in tokens_with_spans(text)]


def has_words(text: str) -> bool:
    """True when ``text`` holds at least one letter or digit."""
    return TOKEN_RE.search(text) is not None
