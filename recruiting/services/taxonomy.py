"""The skills taxonomy as an mlcore matcher, compiled once per process and rebuilt when it changes."""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max
from rapidfuzz import fuzz, process

from config.exceptions import ApplicationError
from mlcore.skills import SkillEntry, SkillTaxonomy, normalize_skill_name
from recruiting.models import Skill

_lock = threading.Lock()
_cached: tuple[tuple, SkillTaxonomy] | None = None


def _fingerprint() -> tuple:
    # Count, last id and last-changed marker: cheap to read, changes whenever the taxonomy does.
    agg = Skill.objects.aggregate(n=Count("id"), last=Max("id"))
    return (agg["n"], agg["last"], _generation)


_generation = 0


def taxonomy_changed() -> None:
    """Call after editing skills in place (aliases, context flag) so the matcher is rebuilt."""
    global _generation
    _generation += 1


def taxonomy_get() -> SkillTaxonomy:
    global _cached
    key = _fingerprint()
    with _lock:
        if _cached is None or _cached[0] != key:
            entries = [
                SkillEntry(
                    name=s.name,
                    aliases=tuple(s.aliases or ()),
                    kind=s.kind,
                    requires_context=s.requires_context,
                )
                for s in Skill.objects.only("name", "aliases", "kind", "requires_context")
            ]
            _cached = (key, SkillTaxonomy.from_entries(entries))
        return _cached[1]


def skill_ids_by_name(names) -> dict[str, int]:
    """Canonical names (any case) -> Skill ids."""
    lowered = {n.lower() for n in names}
    return {name.lower(): pk for pk, name in Skill.objects.named(lowered).values_list("id", "name")}


# -- search, for autocomplete ---------------------------------------------------------------------
MAX_QUERY_CHARS = 120
FUZZY_CUTOFF = 80


@dataclass(frozen=True)
class SkillHit:
    """A skill that answers a search: its canonical name, the spelling that matched and why."""

    name: str
    kind: str
    matched: str
    how: str  # "exact", "prefix", "word" or "fuzzy"
    score: float


class _SearchIndex:
    """Every name and alias of a taxonomy, normalised, for prefix and fuzzy lookups.

    At ~37,000 names a scan per keystroke costs 50-100 ms, so everything is looked up: names by
    prefix in the sorted keys, inner words by prefix in the sorted word-start suffixes, typos
    by comparing the query's words with the distinct words of all names and scoring only the
    names that hold a close one.
    """

    def __init__(self, taxonomy: SkillTaxonomy) -> None:
        rows: dict[str, tuple[str, str, str]] = {}
        for entry in taxonomy.entries:
            for spelling in (entry.name, *entry.aliases):
                key = normalize_skill_name(spelling)
                if key and key not in rows:
                    rows[key] = (entry.name, entry.kind, spelling)
        self.keys = sorted(rows)
        self.rows = rows
        inner: list[tuple[str, int]] = []
        by_word: dict[str, list[int]] = defaultdict(list)
        for index, key in enumerate(self.keys):
            position = 0
            for word in key.split(" "):
                by_word[word].append(index)
                if position:
                    inner.append((key[position:], index))
                position += len(word) + 1
        inner.sort()
        self.inner = [suffix for suffix, _ in inner]
        self.inner_key = [index for _, index in inner]
        self.words = sorted(by_word)
        self.word_keys = [by_word[w] for w in self.words]

    def search(self, query: str, limit: int) -> list[SkillHit]:
        q = normalize_skill_name(query)
        if not q:
            return []
        hits: dict[str, SkillHit] = {}

        def add(key: str, how: str, score: float) -> None:
            name, kind, spelling = self.rows[key]
            if name not in hits or hits[name].score < score:
                hits[name] = SkillHit(name, kind, spelling, how, score)

        if q in self.rows:
            add(q, "exact", 100.0)
        start = bisect.bisect_left(self.keys, q)
        for key in self.keys[start : start + 4 * limit]:
            if not key.startswith(q):
                break
            # Shorter completions first: "excel" before "excel vba".
            add(key, "prefix", 99.0 - min(len(key) - len(q), 40) / 10)
        if len(hits) < limit and len(q) >= 2:
            position = bisect.bisect_left(self.inner, q)
            while position < len(self.inner) and self.inner[position].startswith(q):
                key = self.keys[self.inner_key[position]]
                if not key.startswith(q):
                    add(key, "word", 90.0 - min(len(key), 60) / 10)
                position += 1
        if len(hits) < limit and len(q) >= 3:
            # name index -> how close its best word is to a word of the query
            candidates: dict[int, float] = {}
            tokens = q.split(" ")
            for token in tokens:
                if len(token) < 3:
                    continue
                for _, score, w in process.extract(
                    token, self.words, scorer=fuzz.ratio, limit=20, score_cutoff=FUZZY_CUTOFF - 5
                ):
                    for i in self.word_keys[w]:
                        candidates[i] = max(candidates.get(i, 0.0), score)
            scored = []
            for i, word_score in candidates.items():
                score = fuzz.WRatio(q, self.keys[i])
                if len(tokens) == 1:
                    # "lerning" is one word of "machine learning" misspelt; a name that is
                    # close as a whole ranks above one that only holds a close word
                    score = max(score, word_score - 5)
                if score >= FUZZY_CUTOFF:
                    scored.append((score, self.keys[i]))
            scored.sort(key=lambda s: (-s[0], len(s[1]), s[1]))
            for score, key in scored[:limit]:
                add(key, "fuzzy", min(float(score), 89.0))
        return sorted(hits.values(), key=lambda h: (-h.score, len(h.name), h.name))[:limit]


_search_cache: tuple[SkillTaxonomy, _SearchIndex] | None = None


def skills_search(*, query: str, limit: int = 20) -> list[SkillHit]:
    """Skills whose name or alias starts with ``query``, has a word starting with it, or is
    close to it ("pyhton" -> Python), best first. For autocomplete; unknown terms are still
    accepted as requirements, so an empty answer is not an error.
    """
    global _search_cache
    if len(query) > MAX_QUERY_CHARS:
        raise ApplicationError(
            f"q is longer than {MAX_QUERY_CHARS} characters.",
            code="invalid",
            extra={"fields": {"q": [f"At most {MAX_QUERY_CHARS} characters."]}},
        )
    taxonomy = taxonomy_get()
    with _lock:
        if _search_cache is None or _search_cache[0] is not taxonomy:
            _search_cache = (taxonomy, _SearchIndex(taxonomy))
        index = _search_cache[1]
    return index.search(query, limit)
