"""Skill extraction against a taxonomy, with the character spans that prove each skill.

A :class:`SkillTaxonomy` puts every name and alias into one character trie that is walked from
each word start, so the cost barely depends on the size of the taxonomy.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mlcore.text import is_list_like, line_span

__all__ = [
    "COMMON_WORD_SKILLS",
    "SkillEntry",
    "SkillMatch",
    "SkillTaxonomy",
    "normalize_skill_name",
]

Span = tuple[int, int]

# Skill names that are also ordinary English words or first names, so that seeing them in
# running text proves little ("go live", "spring 2021", "react to incidents", "Ruby Chen"); it
# includes the common words of scripts/build_taxonomy.py except "excel".
# Such names count only in a skills context (see SkillTaxonomy.extract). Excel, Python, Java,
# Docker, Jenkins and "Communication" are left out on purpose: when they appear they nearly
# always mean the skill, and a false negative in prose costs more than the rare false positive.
# fmt: off
COMMON_WORD_SKILLS: frozenset[str] = frozenset(
    {
        "access", "ada", "airflow", "ant", "apex", "arrow", "assembly", "atlas", "babel",
        "backbone", "bamboo", "bash", "basic", "beam", "blender", "bootstrap", "bottle", "box",
        "canvas", "celery", "chef", "compass", "confluence", "consul", "crystal", "cypress",
        "dart", "dash", "drawing", "echo", "eclipse", "edge", "electron", "elm", "ember",
        "encompass", "epic", "express", "falcon", "fiber", "flask", "flutter", "framing", "gin",
        "glue", "go", "gong", "groovy", "grunt", "harvest", "helm", "hive", "illustrator", "ionic",
        "jersey", "jest", "julia", "keynote", "lambda", "lean", "less", "linkedin", "lisp", "logo",
        "looker", "loom", "make", "maple", "maven", "maya", "meteor", "mocha", "next", "notes",
        "notion", "nuke", "office", "oracle", "outlook", "painting", "pandas", "pascal", "pig",
        "playwright", "postman", "premiere", "presto", "prism", "publisher", "puppet", "pyramid",
        "quicken", "react", "redshift", "relativity", "rocket", "ruby", "rust", "sage", "salt", "sass",
        "seesaw", "selenium", "shell", "shiny", "sketch", "slack", "snowflake", "spark", "spring",
        "storm", "swift", "tableau", "teams", "torch", "tornado", "unity", "vault", "windows",
        "word", "yarn", "zoom",
    }
)
# fmt: on

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015"
_KEY_SPACE_RE = re.compile(rf"[\s\-{_DASHES}]+")
# Characters that a space inside a multi-word name may stand for in text, in any number:
# "Machine-Learning", "SQL\nServer", "A/B - testing" (a hyphen in a name is stored as a space).
_SPACE_CHARS = frozenset(" \t\n\r\f\v\u00a0\u2009\u202f-" + _DASHES)
# Where a match may start: a letter or digit with no word character or "&" before it ("R&D" has
# no "D") and not right after "word." ("main.go", "ASP.NET" give no "go"/"NET"). Names that start
# with a symbol (".NET") may start anywhere their first character appears, so "ASP.NET" counts as
# .NET when the taxonomy has no ASP.NET (when it has, the longer match starting at "A" wins).
_WORD_START = r"(?<![\w&])(?<!\w\.)(?=\w)"
# Lines that lost their break when a posting was flattened read "...skillsSelf-starter",
# "...deadlines.Attention to detail": a capitalised word glued to three lower-case letters, or
# to a lower-case word and a period, starts a name too.
_GLUED_START = r"(?<=[a-z]{3})(?=[A-Z][a-z])|(?<=[a-z]\.)(?=[A-Z][a-z])"
# Where a match may end. Never before a letter, "_", "+", "#" or "&" ("Java" not in
# "JavaScript", "Go" not in "good", "R" not in "R&D"); after a letter or digit, not before "."
# and a word character ("Node" not in "Node.js"); before a digit only after "+"/"#" or after
# three word characters ending in a letter, as versions are written ("C++17", "C#10",
# "Python3", "HTML5" -> HTML), never after a one- or two-letter name ("R2", "C4").
_RIGHT_BOUNDARY_RE = re.compile(
    r"(?![^\W\d]|[+#&])"
    r"(?:(?<!\w)|(?!\.\w))"
    r"(?:(?<=[+#])|(?<=\w\w[^\W\d_])|(?!\d))"
    # the same glued lines: "OutlookMust", "MySQLFamiliarity", "skills.Ability", after a name
    # of four letters or more ("Java" in "JavaScript" is still not a match when the taxonomy
    # knows JavaScript: the longest match wins)
    r"|(?<=[^\W\d_]{4})(?=[A-Z][a-z])"
    r"|(?<=[a-z])(?=\.[A-Z][a-z])"
)
_TERMINAL = ""  # trie key that marks "a name ends here"; never a real character
# A requires-context occurrence also counts when it sits right next to another skill with only
# one of these between them: "C/C++", "Python, R", "Python or Go", "Go/Rust", "SQL, and R".
_NEIGHBOUR_GAP_RE = re.compile(
    r"\s*(?:,\s*(?:and|or)\b|and/or|[/,|;&+]|\band\b|\bor\b)\s*", re.IGNORECASE
)
_SYMBOL_GAP_RE = re.compile(r"\s*[/,|;&+]\s*")


def normalize_skill_name(name: str) -> str:
    """Case- and spacing-insensitive form of a skill name used as a lookup key.

    Lower-cases and collapses whitespace, hyphens and dashes into single spaces, so
    ``"Scikit-Learn"``, ``"scikit learn"`` and ``"SCIKIT  LEARN"`` share one key.
    """
    return _KEY_SPACE_RE.sub(" ", name.strip().lower()).strip()


@dataclass(frozen=True)
class SkillEntry:
    """One skill of the taxonomy: its canonical name, other spellings and kind.

    ``requires_context=True`` means the canonical name is ambiguous in prose and only counts in a
    skills context. Aliases are judged on their own:

    - an upper-case abbreviation of at most three characters ("ML", "JS", "POS", "ES6") is matched
      case-sensitively and then needs no context ("ML" counts, "ml" and "pos" do not);
    - any other alias needs a context when :meth:`SkillTaxonomy.default_requires_context` says
      so: ``Golang`` counts anywhere even though ``Go`` does not, ``Spark`` (an alias of Apache
      Spark) needs a context even though ``Apache Spark`` does not.

    A one-word spelling that is ambiguous, or a canonical name in :data:`COMMON_WORD_SKILLS`
    even when it needs no context ("React", "Tableau"), counts only when written with its
    capital ("react to incidents" is not React), and one with capitals inside ("FAST",
    "SOLiD") only exactly as spelled; gerunds ("Networking") are exempt, as activities are
    written in lower case.
    """

    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "technical"
    requires_context: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError("A skill needs a non-empty name.")
        if isinstance(self.aliases, str):
            raise TypeError(f"aliases of {self.name!r} must be a sequence of strings, not a str.")
        object.__setattr__(self, "name", self.name.strip())
        object.__setattr__(self, "aliases", tuple(a.strip() for a in self.aliases if a.strip()))


@dataclass(frozen=True)
class SkillMatch:
    """A skill found in a text: canonical name, kind and every ``(start, end)`` that proves it."""

    name: str
    kind: str
    spans: tuple[Span, ...]

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "spans": [list(s) for s in self.spans]}


@dataclass(frozen=True, slots=True)
class _Surface:
    entry_index: int
    needs_context: bool
    exact: str | None = None  # the only spelling that counts, for case-sensitive abbreviations
    capital: bool = False  # counts only when written with a capital initial


def _word_surface(index: int, spelling: str, needs_context: bool) -> _Surface:
    """How a spelling that is also an English word is matched ("Access", "React", "FAST").

    One capitalised word counts only with its capital ("access to", "react to", "go live" are
    the words), and one with capitals inside ("FAST", "SOLiD") only exactly as spelled; on top
    of that an ambiguous one (``needs_context``) counts only in context. Activities named by a
    gerund ("Networking", "Drawing") are written in lower case and keep no case condition.
    """
    if spelling.isalpha() and spelling[0].isupper() and not spelling.endswith("ing"):
        if any(c.isupper() for c in spelling[1:]):
            return _Surface(index, needs_context=needs_context, exact=spelling)
        return _Surface(index, needs_context=needs_context, capital=True)
    return _Surface(index, needs_context=needs_context)


class _Tail:
    """The rest of the only name below a trie node, kept as one string rather than a chain of
    one-child nodes: most of a large taxonomy's characters sit in such unshared endings, and a
    node per character cost ~100 MB at 37,000 names."""

    __slots__ = ("rest", "surface")

    def __init__(self, rest: str, surface: _Surface) -> None:
        self.rest = rest
        self.surface = surface


def _build_trie(keys: list[str], surfaces: dict[str, _Surface], lo: int, hi: int, depth: int):
    """The trie node for ``keys[lo:hi]`` (sorted, sharing their first ``depth`` characters)."""
    node: dict = {}
    if len(keys[lo]) == depth:  # sorted: a key that ends here comes first
        node[_TERMINAL] = surfaces[keys[lo]]
        lo += 1
    while lo < hi:
        key = keys[lo]
        ch = key[depth]
        # the first key past this character: every key here shares key[:depth]
        end = (
            hi
            if ch == "\U0010ffff"
            else bisect_left(keys, key[:depth] + chr(ord(ch) + 1), lo + 1, hi)
        )
        if end - lo == 1:
            node[ch] = _Tail(keys[lo][depth + 1 :], surfaces[keys[lo]])
        else:
            node[ch] = _build_trie(keys, surfaces, lo, end, depth + 1)
        lo = end
    return node


def _key_is_ambiguous(key: str) -> bool:
    """:meth:`SkillTaxonomy.default_requires_context` of an already normalised name."""
    return (len(key) <= 2 and key.isalnum()) or key in COMMON_WORD_SKILLS


def _is_abbreviation(alias: str) -> bool:
    """An upper-case abbreviation of at most three characters: "ML", "JS", "ES6", "L&D"."""
    return len(alias) <= 3 and alias.isupper()


def _lower_same_length(text: str) -> str:
    """``text.lower()``, except characters whose lower case is longer stay as they are.

    Keeps offsets valid: "İ".lower() is two characters long.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


class SkillTaxonomy:
    """A compiled set of skills; build it with :meth:`from_entries`.

    Matching rules (case-insensitive, except short upper-case aliases, see :class:`SkillEntry`):

    - Longest match wins and matches never overlap: "ASP.NET" gives ASP.NET, not also .NET;
      "SQL Server" gives SQL Server, not also SQL. Parent skills are not inferred.
    - Word boundaries are symbol-aware: "C++" and "C#" match (also in "C++17"), "Java" does not
      match inside "JavaScript", "Go" not in "good"/"Google"/"main.go", "R" not in "R&D".
      Lines glued together when a posting was flattened still split: "OutlookMust have",
      "skills.Ability", "packetsNegotiating" (a capitalised word after a lower-case one).
    - A space or hyphen in a name matches any run of whitespace, hyphens and dashes:
      "machine-learning", "Machine" and "Learning" on two lines, "scikit learn" for
      "scikit-learn".
    - When two entries claim the same spelling, a canonical name beats an alias and otherwise
      the earlier entry wins; such clashes are listed in :attr:`conflicts`.
    """

    def __init__(
        self,
        entries: Sequence[SkillEntry],
        surfaces: dict[str, _Surface],
        conflicts: tuple[str, ...],
    ) -> None:
        self._entries = tuple(entries)
        self._surfaces = surfaces
        self._by_name = {normalize_skill_name(e.name): e for e in self._entries}
        self.conflicts = conflicts
        keys = sorted(surfaces)
        self._trie: dict = _build_trie(keys, surfaces, 0, len(keys), 0) if keys else {}
        symbol_starts = {key[0] for key in keys if not key[0].isalnum()}
        start = _WORD_START + "|" + _GLUED_START
        if symbol_starts:
            start += "|(?=[" + "".join(re.escape(c) for c in sorted(symbol_starts)) + "])"
        self._starts = re.compile(start)

    @classmethod
    def from_entries(cls, entries: Iterable[SkillEntry]) -> SkillTaxonomy:
        """Compile ``entries``; raises ``ValueError`` if two entries share a canonical name."""
        entries = tuple(entries)
        surfaces: dict[str, _Surface] = {}
        conflicts: list[str] = []
        for index, entry in enumerate(entries):
            key = normalize_skill_name(entry.name)
            if key in surfaces:
                other = entries[surfaces[key].entry_index].name
                raise ValueError(f"Skills {other!r} and {entry.name!r} have the same name.")
            if not any(ch.isalnum() for ch in key):
                continue
            if entry.requires_context or _key_is_ambiguous(key):
                # a common word as a name: its case matters even where no context is asked
                surfaces[key] = _word_surface(index, entry.name, entry.requires_context)
            else:
                surfaces[key] = _Surface(index, needs_context=False)
        for index, entry in enumerate(entries):
            for alias in entry.aliases:
                key = normalize_skill_name(alias)
                if not any(ch.isalnum() for ch in key):
                    continue
                owner = surfaces.get(key)
                if owner is not None:
                    if owner.entry_index != index:
                        conflicts.append(
                            f"{alias!r} of {entry.name!r} already means "
                            f"{entries[owner.entry_index].name!r}"
                        )
                    continue
                if _is_abbreviation(alias):
                    surfaces[key] = _Surface(index, needs_context=False, exact=alias)
                elif _key_is_ambiguous(key):
                    surfaces[key] = _word_surface(index, alias, needs_context=True)
                else:
                    surfaces[key] = _Surface(index, needs_context=False)
        return cls(entries, surfaces, tuple(conflicts))

    @staticmethod
    def default_requires_context(name: str) -> bool:
        """Whether ``name`` is too ambiguous to count outside a skills context.

        True for names of one or two letters/digits ("R", "C", "Go", "ML") and for names in
        :data:`COMMON_WORD_SKILLS` ("Swift", "Rust", "Spark", "Access", "Word", "Ruby").
        Symbolic short names such as "C#" are unambiguous and return False.
        """
        return _key_is_ambiguous(normalize_skill_name(name))

    @property
    def entries(self) -> tuple[SkillEntry, ...]:
        return self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.canonical(name) is not None

    def canonical(self, name: str) -> str | None:
        """The canonical name for a name or alias (any case), or ``None`` if unknown."""
        surface = self._surfaces.get(normalize_skill_name(name))
        if surface is None:
            entry = self._by_name.get(normalize_skill_name(name))
            return entry.name if entry else None
        return self._entries[surface.entry_index].name

    def canonicalize(self, names: Iterable[str]) -> tuple[str, ...]:
        """Map names or aliases to canonical names, keep unknown names as given, drop repeats."""
        result: list[str] = []
        seen: set[str] = set()
        for name in names:
            if not name or not name.strip():
                continue
            canonical = self.canonical(name) or name.strip()
            key = normalize_skill_name(canonical)
            if key not in seen:
                seen.add(key)
                result.append(canonical)
        return tuple(result)

    def entry(self, name: str) -> SkillEntry | None:
        """The entry for a canonical name or alias, or ``None``."""
        canonical = self.canonical(name)
        return self._by_name[normalize_skill_name(canonical)] if canonical else None

    def extract(self, text: str, *, contexts: Sequence[Span] = ()) -> tuple[SkillMatch, ...]:
        """Find every taxonomy skill in ``text``, with the spans that prove it.

        Parameters
        ----------
        text : str
            Resume or job text.
        contexts : sequence of (start, end)
            Character spans of skills sections. An ambiguous spelling (see
            :class:`SkillEntry`) counts only inside one of them, on a list-like line (at least
            three short items split by commas, bullets, pipes, slashes or tabs), or right next
            to another skill ("C/C++", "Python, R", "Go/Rust"; across "and"/"or" only to one
            that counts itself, so "Microsoft Word, Excel and Outlook" finds all three and "go
            and make it happen" finds nothing).

        Returns
        -------
        tuple of SkillMatch
            One per skill, sorted by first occurrence; ``text[start:end]`` of every span is the
            matched spelling. Deterministic for a given taxonomy and input.
        """
        if not text or not self._trie:
            return ()
        low = _lower_same_length(text)
        found: list[tuple[int, int, _Surface]] = []
        covered = 0
        for candidate in self._starts.finditer(text):
            start = candidate.start()
            if start < covered:
                continue  # inside the previous match: matches never overlap
            hit = self._longest_at(text, low, start)
            if hit is not None:
                end, surface = hit
                found.append((start, end, surface))
                covered = end

        list_lines: dict[int, bool] = {}
        spans_by_entry: dict[int, list[Span]] = {}
        accepted: list[bool] = []
        for i, (start, end, surface) in enumerate(found):
            ok = (not surface.capital or text[start].isupper()) and (
                not surface.needs_context
                or self._in_context(text, i, found, contexts, list_lines, accepted)
            )
            accepted.append(ok)
            if ok:
                spans_by_entry.setdefault(surface.entry_index, []).append((start, end))
        # dicts keep insertion order, and `found` is in text order: sorted by first occurrence.
        return tuple(
            SkillMatch(
                name=self._entries[index].name,
                kind=self._entries[index].kind,
                spans=tuple(spans),
            )
            for index, spans in spans_by_entry.items()
        )

    def _longest_at(self, text: str, low: str, start: int) -> tuple[int, _Surface] | None:
        """End and surface of the longest name that starts at ``start`` and ends at a boundary."""
        node = self._trie
        best = None
        i = start
        n = len(text)
        space_chars = _SPACE_CHARS
        while i < n:
            ch = low[i]
            if ch in space_chars:
                child = node.get(" ")
                if child is None:
                    break
                while i < n and low[i] in space_chars:
                    i += 1
                if type(child) is _Tail:
                    return self._tail_end(text, low, start, i, child) or best
                node = child
                continue  # names never end in a space: no terminal check here
            child = node.get(ch)
            if child is None:
                break
            i += 1
            if type(child) is _Tail:
                return self._tail_end(text, low, start, i, child) or best
            node = child
            surface = node.get(_TERMINAL)
            if surface is not None and self._ends_here(text, start, i, surface):
                best = (i, surface)
        return best

    @staticmethod
    def _ends_here(text: str, start: int, end: int, surface: _Surface) -> bool:
        return (surface.exact is None or text[start:end] == surface.exact) and bool(
            _RIGHT_BOUNDARY_RE.match(text, end)
        )

    def _tail_end(
        self, text: str, low: str, start: int, i: int, tail: _Tail
    ) -> tuple[int, _Surface] | None:
        """Where the name ends if ``text`` from ``i`` spells the tail's rest, else None."""
        n = len(text)
        space_chars = _SPACE_CHARS
        for ch in tail.rest:
            if i >= n:
                return None
            if ch == " ":
                if low[i] not in space_chars:
                    return None
                while i < n and low[i] in space_chars:
                    i += 1
            elif low[i] == ch:
                i += 1
            else:
                return None
        return (i, tail.surface) if self._ends_here(text, start, i, tail.surface) else None

    @staticmethod
    def _in_context(
        text: str,
        i: int,
        found: list[tuple[int, int, _Surface]],
        contexts: Sequence[Span],
        list_lines: dict[int, bool],
        accepted: list[bool],
    ) -> bool:
        start, end, _ = found[i]
        if any(cs <= start and end <= ce for cs, ce in contexts):
            return True
        ls, le = line_span(text, start)
        if ls not in list_lines:
            list_lines[ls] = is_list_like(text[ls:le])
        if list_lines[ls]:
            return True
        # Joined by a symbol ("Go/Rust", "Word, Access") any skill vouches for its neighbour;
        # joined by "and"/"or" only one that counts: an unambiguous one, or an ambiguous one
        # already vouched for ("Microsoft Word, Excel and Outlook"), not "go and make it happen".
        if i > 0:
            prev_end = found[i - 1][1]
            gap = _NEIGHBOUR_GAP_RE.fullmatch(text, prev_end, start)
            if gap and (accepted[i - 1] or _SYMBOL_GAP_RE.fullmatch(gap.group())):
                return True
        if i + 1 < len(found):
            next_start, next_surface = found[i + 1][0], found[i + 1][2]
            gap = _NEIGHBOUR_GAP_RE.fullmatch(text, end, next_start)
            if gap and (not next_surface.needs_context or _SYMBOL_GAP_RE.fullmatch(gap.group())):
                return True
        return False
