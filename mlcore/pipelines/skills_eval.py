"""Skill extraction scored against an exhaustive hand annotation: precision, recall, recall over
what the taxonomy knows, and taxonomy coverage, on a fixed DEV/TEST split of the documents.

Plain data in, plain data out: the caller reads the texts and finds the skills sections.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from mlcore.skills import SkillMatch, SkillTaxonomy, normalize_skill_name

__all__ = [
    "DocumentScore",
    "GoldDocument",
    "GoldItem",
    "Scores",
    "evidence_spans",
    "gold_item_known",
    "score_document",
    "split_dev_test",
    "summarize",
]

Span = tuple[int, int]
SPLITS = ("dev", "test")


@dataclass(frozen=True)
class GoldItem:
    """One annotated skill: the annotator's name for it, its kind and a snippet of the text."""

    name: str
    kind: str
    evidence: str


@dataclass(frozen=True)
class GoldDocument:
    """A resume or posting with its annotation and the spans the app reads as skills context."""

    key: str
    doc_type: str  # "resume" or "job"
    text: str
    items: tuple[GoldItem, ...]
    contexts: tuple[Span, ...] = ()


@dataclass(frozen=True)
class DocumentScore:
    """Counts for one document, and the names behind the errors (for reading, not for tuning)."""

    n_extracted: int
    n_extracted_correct: int
    n_gold: int
    n_gold_found: int
    n_gold_known: int
    n_gold_known_found: int
    false_positives: tuple[str, ...] = ()
    missed_known: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scores:
    """Micro-averaged figures over a set of documents."""

    documents: int
    extracted: int
    gold: int
    precision: float
    recall: float
    recall_known: float
    coverage: float
    false_positives: tuple[str, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "extracted": self.extracted,
            "gold": self.gold,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "recall_known": round(self.recall_known, 4),
            "coverage": round(self.coverage, 4),
        }


def split_dev_test(keys: Iterable[str], doc_type: Mapping[str, str]) -> dict[str, str]:
    """``{key: "dev" | "test"}``: per document type, sorted by key, alternating from DEV.

    Fixed by the keys alone, so adding labels to one document never moves another, and both
    halves hold resumes and postings in equal shares.
    """
    keys = list(keys)
    out: dict[str, str] = {}
    for kind in sorted({doc_type[k] for k in keys}):
        for i, key in enumerate(sorted(k for k in keys if doc_type[k] == kind)):
            out[key] = SPLITS[i % 2]
    return out


def evidence_spans(text: str, evidence: str) -> list[Span]:
    """Every occurrence of ``evidence`` in ``text``, ignoring case and the width of whitespace."""
    words = evidence.split()
    if not words:
        return []
    pattern = r"\s+".join(re.escape(w) for w in words)
    return [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _names_of(item: GoldItem, taxonomy: SkillTaxonomy) -> set[str]:
    """Normalised names the item goes by: its own, and the taxonomy's canonical names for its
    name and its evidence."""
    names = {normalize_skill_name(item.name)}
    for surface in (item.name, item.evidence):
        canonical = taxonomy.canonical(surface)
        if canonical is not None:
            names.add(normalize_skill_name(canonical))
    return names


def gold_item_known(item: GoldItem, taxonomy: SkillTaxonomy) -> bool:
    """Whether the taxonomy can name the item: its name or evidence is a name or alias, or the
    evidence read alone as a skills list contains one."""
    if taxonomy.canonical(item.name) or taxonomy.canonical(item.evidence):
        return True
    return bool(taxonomy.extract(item.evidence, contexts=[(0, len(item.evidence))]))


def score_document(
    doc: GoldDocument, matches: Sequence[SkillMatch], taxonomy: SkillTaxonomy
) -> DocumentScore:
    """Match extracted skills to gold items.

    An extracted skill and a gold item match when one of the skill's spans overlaps an
    occurrence of the item's evidence, or when the skill's canonical name is the item's name
    (as given, or resolved through the taxonomy from the item's name or evidence).
    """
    item_spans = [evidence_spans(doc.text, item.evidence) for item in doc.items]
    item_names = [_names_of(item, taxonomy) for item in doc.items]
    found = [False] * len(doc.items)
    correct = 0
    false_positives = []
    for match in matches:
        key = normalize_skill_name(match.name)
        hit = False
        for i in range(len(doc.items)):
            if key in item_names[i] or any(
                _overlaps(s, e) for s in match.spans for e in item_spans[i]
            ):
                found[i] = True
                hit = True
        correct += hit
        if not hit:
            false_positives.append(match.name)
    known = [gold_item_known(item, taxonomy) for item in doc.items]
    return DocumentScore(
        n_extracted=len(matches),
        n_extracted_correct=correct,
        n_gold=len(doc.items),
        n_gold_found=sum(found),
        n_gold_known=sum(known),
        n_gold_known_found=sum(f and k for f, k in zip(found, known, strict=True)),
        false_positives=tuple(false_positives),
        missed_known=tuple(
            item.name for item, f, k in zip(doc.items, found, known, strict=True) if k and not f
        ),
    )


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def summarize(scores: Sequence[DocumentScore]) -> Scores:
    """Micro averages: precision = correct extractions / extractions, recall = gold items found /
    gold items, recall_known = the same over the items the taxonomy knows, coverage = known /
    gold items."""
    extracted = sum(s.n_extracted for s in scores)
    gold = sum(s.n_gold for s in scores)
    known = sum(s.n_gold_known for s in scores)
    return Scores(
        documents=len(scores),
        extracted=extracted,
        gold=gold,
        precision=_ratio(sum(s.n_extracted_correct for s in scores), extracted),
        recall=_ratio(sum(s.n_gold_found for s in scores), gold),
        recall_known=_ratio(sum(s.n_gold_known_found for s in scores), known),
        coverage=_ratio(known, gold),
        false_positives=tuple(name for s in scores for name in s.false_positives),
    )
