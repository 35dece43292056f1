"""Blind review: while it is on, pages and API answers show "Candidate #id" and mask names,
contacts and links in resume text until a recruiter reveals the candidate, which the audit log
records. This module holds who is hidden and how a resume is masked; matching.services.blind
masks ranking results.

Whether it is on is the site's setting (``BLIND_REVIEW``: for everyone) or the recruiter's own
preference (``UserPreference``), so token API calls honour it as the pages do. The functions
take the ``viewer``: the request (Django's or DRF's), for its user and its session; reveals last
for the session."""

from __future__ import annotations

import functools
import re
from collections import deque
from collections.abc import MutableMapping

from django.conf import settings
from django.db import transaction

from recruiting.models import AuditEvent, Resume, UserPreference
from recruiting.parsing.contacts import MAX_LINK_CHARS, contact_spans
from recruiting.selectors import TextPiece, resume_highlighted_text, resume_page_parts

HIDDEN = "[hidden]"
SESSION_REVEALED = "blind_revealed"

_NAME_PART = re.compile(r"[^\W\d_]{2,}")


def blind_review_required() -> bool:
    """The site-wide setting: every recruiter reviews blind and cannot switch it off."""
    return bool(settings.BLIND_REVIEW)


def blind_review_chosen(user) -> bool:
    """The recruiter's own choice (off when never made)."""
    if user is None or not user.is_authenticated:
        return False
    return UserPreference.objects.filter(user=user, blind_review=True).exists()


@transaction.atomic
def blind_review_set(*, user, on: bool) -> UserPreference:
    """Switch blind review on or off for this recruiter, on every page and API call."""
    preference, _ = UserPreference.objects.select_for_update().get_or_create(user=user)
    preference.blind_review = on
    preference.full_clean()
    preference.save()
    return preference


def blind_review_on(viewer) -> bool:
    """For this request: the site requires it, or its user chose it (asked once per request)."""
    if blind_review_required():
        return True
    cached = getattr(viewer, "_blind_review_on", None)
    if cached is None:
        cached = blind_review_chosen(getattr(viewer, "user", None))
        viewer._blind_review_on = cached
    return cached


def blind_context(viewer) -> dict:
    """What the pages' blind review switch needs."""
    return {"blind": blind_review_on(viewer), "blind_required": blind_review_required()}


def revealed_ids(viewer) -> frozenset[int]:
    session = getattr(viewer, "session", None) or {}
    return frozenset(int(i) for i in session.get(SESSION_REVEALED, ()))


@transaction.atomic
def resume_reveal(*, resume: Resume, actor, session: MutableMapping) -> AuditEvent | None:
    """Show a candidate's name and contacts to this recruiter for the rest of the session.

    The audit event holds ids only. A candidate already revealed in this session is not logged
    twice (a double click is one reveal).
    """
    revealed = frozenset(int(i) for i in session.get(SESSION_REVEALED, ()))
    if resume.pk in revealed:
        return None
    event = AuditEvent(
        actor=actor, action=AuditEvent.Action.REVEALED, object_type="resume", object_id=resume.pk
    )
    event.full_clean()
    event.save()
    session[SESSION_REVEALED] = sorted(revealed | {resume.pk})
    return event


def pii_spans(text: str, resume: Resume) -> list[tuple[int, int]]:
    """Where ``text`` holds the candidate's name, e-mail, phone or a link, merged and sorted."""
    if not text:
        return []
    spans = contact_spans(text)
    # Longer links are no longer stored; one stored before is left to the link pattern (as a
    # literal, escaped and lowered, it cost every call its length: minutes an explained page).
    links = [link for link in map(str, resume.links or ()) if len(link) <= MAX_LINK_CHARS]
    literals = [resume.email, resume.phone, *links]
    literals += [re.sub(r"^https?://(www\.)?", "", lit, flags=re.I) for lit in literals]
    patterns = [re.escape(lit.strip()) for lit in literals if len(lit.strip()) >= 3]
    name = resume.candidate_name.strip()
    # Each part of the name on its own too: "DOE, Jane" or "Jane" alone in a sentence.
    names = [name, *_NAME_PART.findall(name)] if name else []
    patterns += [rf"(?<!\w){re.escape(n)}(?!\w)" for n in names]
    if patterns:
        patterns.sort(key=len, reverse=True)
        spans += [m.span() for m in re.finditer("|".join(patterns), text, re.IGNORECASE)]
    spans += _cut_literals(text, [lit.strip() for lit in literals])
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[0] < s[1]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


_ELLIPSIS = "…"


def _cut_literals(text: str, literals: list[str]) -> list[tuple[int, int]]:
    """Contacts cut short by a quote's ellipsis ("jane.doe@exa…") that no pattern matches: at
    each ellipsis, the longest start of a literal (3 characters or more, not all of it) that
    ends there, compared in lower case. It never reaches back past the previous ellipsis.

    One span an ellipsis, the longest: shorter ones end there too and ``pii_spans`` merges them.
    The cost is linear: one pass over the text at most, after one over the literals, whatever
    their number and length or that of the ellipses (each start of each literal was compared at
    each ellipsis, quadratic in its length: a 300,000-character link took ~1e11 steps a quote;
    a resume of 600,000 ellipses, minutes).
    """
    cuts = [m.start() for m in re.finditer(_ELLIPSIS, text)]
    if not cuts:
        return []
    prefixes = _literal_prefixes(tuple(_lower_same_length(lit) for lit in literals))
    if prefixes is None:
        return []
    low = _lower_same_length(text)
    spans, previous = [], -1
    for cut in cuts:
        start = max(previous + 1, cut - prefixes.longest)
        previous = cut
        if cut - start >= 3 and (k := prefixes.longest_ending(low, start, cut)):
            spans.append((cut - k, cut))
    return spans


def _lower_same_length(text: str) -> str:
    """``text`` in lower case one character for one, so offsets stay those of ``text``:
    str.lower turns "İ" into two characters (here it is "i") and a word's last "Σ" into "ς"
    (here always "σ")."""
    return text.replace("İ", "I").lower().replace("ς", "σ")


class _Prefixes:
    """The starts of some literals (3 characters or more, shorter than the literal) in a trie
    with Aho-Corasick failure links: fed a run of text, it tells the longest such start that
    ends the run, in one pass over it."""

    def __init__(self, literals: tuple[str, ...]):
        children: list[dict[str, int]] = [{}]
        depth = [0]
        for literal in literals:
            node = 0
            for ch in literal:
                nxt = children[node].get(ch)
                if nxt is None:
                    nxt = len(children)
                    children[node][ch] = nxt
                    children.append({})
                    depth.append(depth[node] + 1)
                node = nxt
        fail = [0] * len(children)
        # The depth of the longest start ending at a node: the node itself when a literal goes
        # on past it, else the longest one among the shorter ends of its failure chain.
        best = [0] * len(children)
        queue = deque(children[0].values())  # the first characters: failure link 0, the root
        while queue:
            node = queue.popleft()
            for ch, child in children[node].items():
                f = fail[node]
                while f and ch not in children[f]:
                    f = fail[f]
                fail[child] = children[f].get(ch, 0)
                best[child] = (
                    depth[child] if depth[child] >= 3 and children[child] else best[fail[child]]
                )
                queue.append(child)
        self._children, self._fail, self._best = children, fail, best
        self.longest = max(depth) - 1  # a literal's start never is the whole literal

    def longest_ending(self, text: str, start: int, end: int) -> int:
        """The length of the longest start of a literal that ends ``text[start:end]`` (0: none)."""
        children, fail = self._children, self._fail
        node = 0
        for ch in text[start:end]:
            while node and ch not in children[node]:
                node = fail[node]
            node = children[node].get(ch, 0)
        return self._best[node]


@functools.lru_cache(maxsize=2)
def _literal_prefixes(literals: tuple[str, ...]) -> _Prefixes | None:
    """The starts of a resume's literals, built once for all the strings of its explanation
    (two kept: a worst case, 44 literals of 2,048 characters, is ~25 MB).

    A literal is read up to its first ellipsis: a start of it that went on past one could only
    match text that reaches back past an ellipsis, where ``_cut_literals`` never looks (the
    search was unbounded there; only a link can hold an ellipsis, and patterns mask it whole)."""
    usable = {lit[: lit.index(_ELLIPSIS) + 1] if _ELLIPSIS in lit else lit for lit in literals}
    usable = sorted(lit for lit in usable if len(lit) > 3)
    return _Prefixes(tuple(usable)) if usable else None


def spans_masked(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for start, end in spans:
        out += [text[pos:start], HIDDEN]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def text_masked(text: str, resume: Resume) -> str:
    return spans_masked(text, pii_spans(text, resume))


def resume_blind_text(resume: Resume) -> str:
    """What blind searches read (``Resume.blind_text``): the text with the personal data the
    row knows of (name, e-mail, phone, links) and any contact pattern masked."""
    return text_masked(resume.text, resume)


def highlighted_for_page(resume: Resume, viewer) -> list[TextPiece]:
    """The resume text in pieces, skill evidence apart; unless the viewer may see the
    candidate, personal data is replaced by [hidden] (a mark over it is dropped, not split)."""
    shown = resume_for_page(resume, viewer)
    if not isinstance(shown, BlindResume) or shown.revealed:
        return resume_highlighted_text(resume)
    return resume_highlighted_text(
        resume, hidden=pii_spans(resume.text, resume), hidden_label=HIDDEN
    )


def page_parts_for_page(resume: Resume, viewer) -> dict:
    """The resume page's sections and skill evidence lines (see ``resume_page_parts``), with
    personal data replaced by [hidden] unless the viewer may see the candidate."""
    shown = resume_for_page(resume, viewer)
    if not isinstance(shown, BlindResume) or shown.revealed:
        return resume_page_parts(resume)
    return resume_page_parts(resume, hidden=pii_spans(resume.text, resume), hidden_label=HIDDEN)


class BlindResume:
    """A resume as a blind page shows it: the same attributes, minus the personal data until
    the recruiter has revealed the candidate."""

    blind = True

    def __init__(self, resume: Resume, *, revealed: bool = False):
        self._resume = resume
        self.revealed = revealed

    def __getattr__(self, name: str):
        return getattr(self._resume, name)

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self._resume.display_name if self.revealed else f"Candidate #{self._resume.pk}"

    def get_absolute_url(self) -> str:
        return self._resume.get_absolute_url()  # the detail page is blind too

    def _hidden(self, value, empty):
        return value if self.revealed else empty

    candidate_name = property(lambda self: self._hidden(self._resume.candidate_name, ""))
    email = property(lambda self: self._hidden(self._resume.email, ""))
    phone = property(lambda self: self._hidden(self._resume.phone, ""))
    links = property(lambda self: self._hidden(self._resume.links, []))
    original_filename = property(lambda self: self._hidden(self._resume.original_filename, ""))
    original_file = property(lambda self: self._hidden(self._resume.original_file, None))
    sections = property(lambda self: self._hidden(self._resume.sections, []))

    @property
    def text(self) -> str:
        return self._resume.text if self.revealed else text_masked(self._resume.text, self._resume)

    @property
    def warnings(self) -> list[str]:
        if self.revealed:
            return self._resume.warnings
        return [text_masked(w, self._resume) for w in self._resume.warnings]

    @property
    def error(self) -> str:
        return (
            self._resume.error if self.revealed else text_masked(self._resume.error, self._resume)
        )


def resume_for_page(resume: Resume, viewer) -> Resume | BlindResume:
    """The resume itself when blind review is off, else its blind view."""
    if not blind_review_on(viewer):
        return resume
    return BlindResume(resume, revealed=resume.pk in revealed_ids(viewer))


def file_may_be_sent(resume: Resume, viewer) -> bool:
    """The original file shows everything the blind pages hide: only after a reveal."""
    return not blind_review_on(viewer) or resume.pk in revealed_ids(viewer)
