"""Read helpers for pages and the API: filtered querysets built from validated filter values."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from recruiting.filters import JobFilter
from recruiting.models import AuditEvent, Job, JobSkill, Resume, ResumeSkill, user_team_id


def job_list(*, user, filters: Mapping) -> QuerySet[Job]:
    """The jobs of ``user``'s team (every team's for staff), narrowed by ``filters``: the
    parameters of :class:`~recruiting.filters.JobFilter`, the one job filter."""
    jobs = Job.objects.visible_to(user).select_related("category", "source")
    # Explicit: a caller's aggregate (GROUP BY) would drop Meta.ordering, and pages need an order.
    return JobFilter(filters, queryset=jobs).qs.order_by(*Job._meta.ordering)


def resume_list(*, user, filters: dict, blind: bool = False) -> QuerySet[Resume]:
    """``blind``: blind review is on, so a search must not tell which candidate has a name, a
    contact or a link: it reads the masked text only, where they are all "[hidden]" (a query
    for a handle, or one spanning the name and the e-mail lines, matches nobody)."""
    qs = Resume.objects.visible_to(user).select_related("category")
    if q := filters.get("q"):
        if blind:
            qs = qs.filter(blind_text__icontains=q)
        else:
            qs = qs.filter(Q(candidate_name__icontains=q) | Q(text__icontains=q))
    if category := filters.get("category"):
        qs = qs.in_category(category)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    return qs.order_by(*Resume._meta.ordering)


def resume_skill_counts(ids: Sequence[int]) -> dict[int, int]:
    """How many skills each of these resumes has: counted for a page's rows only (a count
    annotated on the whole list groups every visible resume's skills before the page is cut,
    seconds at 100k resumes)."""
    return dict(
        ResumeSkill.objects.filter(resume_id__in=list(ids))
        .values("resume_id")
        .annotate(n=Count("id"))
        .values_list("resume_id", "n")
    )


@dataclass(frozen=True)
class TextPiece:
    """A run of resume text as a page shows it: plain, the evidence of ``skill``, or personal
    data replaced by a label (``hidden``)."""

    text: str
    skill: str = ""
    hidden: bool = False


class _Highlighter:
    """Cuts any slice of one resume text into pieces, with the skill spans and the hidden
    spans sorted once: a slice costs the logarithm of their number plus what falls inside it.
    A page cuts a resume into sections and evidence lines, and a hostile one holds tens of
    thousands of each (skills, phone numbers, headings): scanning every span for every span or
    for every slice took minutes a page."""

    def __init__(
        self,
        text: str,
        skill_spans: Iterable[tuple[int, int, str]],
        hidden: Sequence[tuple[int, int]],
        hidden_label: str,
    ):
        self.text = text
        self.hidden_label = hidden_label
        self.hidden = sorted(hidden)
        self._hidden_starts = [a for a, _ in self.hidden]
        # The furthest end among the hidden spans up to each one: every hidden span that starts
        # before b is in a prefix of the sorted list, and one of them ends after a if its
        # furthest end does. Exact for any spans; pii_spans gives them sorted and disjoint.
        self._hidden_reach = list(accumulate((b for _, b in self.hidden), max))
        self.marks = sorted(
            (a, b, name) for a, b, name in skill_spans if a < b and not self.overlaps_hidden(a, b)
        )
        self._mark_starts = [a for a, _, _ in self.marks]

    def overlaps_hidden(self, a: int, b: int) -> bool:
        i = bisect_left(self._hidden_starts, b)  # the hidden spans that start before b
        return i > 0 and self._hidden_reach[i - 1] > a

    def pieces(
        self, start: int, end: int | None, only: Sequence[tuple[int, int, str]] | None = None
    ) -> list[TextPiece]:
        """``text[start:end]`` in pieces; ``only``: these skill spans instead of all of them."""
        text = self.text
        end = len(text) if end is None else min(end, len(text))
        if only is not None:
            marks = sorted(
                (a, b, name)
                for a, b, name in only
                if start <= a < b <= end and not self.overlaps_hidden(a, b)
            )
        else:
            marks = []
            for i in range(bisect_left(self._mark_starts, start), len(self.marks)):
                a, b, name = self.marks[i]
                if a >= end:
                    break
                if b <= end:
                    marks.append((a, b, name))
        # The hidden spans that start before the slice's end and end after its start: those
        # before `first` all end before it (overlapping spans may leave a few more in between).
        last = bisect_left(self._hidden_starts, end)
        first = bisect_right(self._hidden_reach, start, 0, last)
        cuts = [(max(a, start), min(b, end), None) for a, b in self.hidden[first:last] if start < b]
        out, pos = [], start
        for a, b, name in sorted(cuts + marks):
            if a < pos:
                continue
            out.append(TextPiece(text[pos:a]))
            if name is None:
                out.append(TextPiece(self.hidden_label, hidden=True))
            else:
                out.append(TextPiece(text[a:b], skill=name))
            pos = b
        out.append(TextPiece(text[pos:end]))
        return out


def resume_highlighted_text(
    resume: Resume,
    *,
    hidden: Sequence[tuple[int, int]] = (),
    hidden_label: str = "",
    start: int = 0,
    end: int | None = None,
    skill_spans: Sequence[tuple[int, int, str]] | None = None,
) -> list[TextPiece]:
    """The resume text (or its slice ``start:end``) in pieces, every skill's evidence span a
    piece of its own (pages mark it; see the ``marked`` filter).

    ``hidden`` spans (sorted, not overlapping) are replaced by ``hidden_label``; a skill span
    that overlaps one is dropped rather than split, and so is one that crosses the slice's
    edges. ``skill_spans`` (start, end, name) replaces the resume's own evidence spans.
    """
    if skill_spans is None:
        skill_spans = [
            (a, b, rs.skill.name)
            for rs in resume.resume_skills.select_related("skill")
            for a, b in rs.spans
        ]
    return _Highlighter(resume.text, skill_spans, hidden, hidden_label).pieces(start, end)


SECTION_TITLES = {
    "summary": "Summary",
    "experience": "Experience",
    "education": "Education",
    "skills": "Skills",
    "certifications": "Certifications",
    "projects": "Projects",
}


@dataclass(frozen=True)
class SkillEvidence:
    """A skill found in a resume and the line that proves it, in pieces."""

    name: str
    kind: str
    line: list[TextPiece]
    more: int  # further places in the resume that mention it


def resume_page_parts(
    resume: Resume, *, hidden: Sequence[tuple[int, int]] = (), hidden_label: str = ""
) -> dict:
    """What the resume page shows besides the contact card: the parsed sections (the text
    before the first heading as "Top of the resume") and each skill with its evidence line,
    with ``hidden`` spans replaced as in :func:`resume_highlighted_text`."""
    text = resume.text
    skills = list(resume.resume_skills.select_related("skill").order_by("skill__name"))
    spans = [(a, b, rs.skill.name) for rs in skills for a, b in rs.spans]
    render = _Highlighter(text, spans, hidden, hidden_label).pieces  # sorted once for all

    sections = []
    bounds = sorted((s["start"], s["end"], s["name"]) for s in resume.sections)
    first = bounds[0][0] if bounds else len(text)
    if text[:first].strip():
        sections.append(("Top of the resume", render(0, first)))
    for a, b, name in bounds:
        body = text.find("\n", a, b)
        body = a if body == -1 else body + 1  # the heading line is the section's title
        if text[body:b].strip():
            title = SECTION_TITLES.get(name, name.replace("_", " ").capitalize())
            sections.append((title, render(body, b)))
    evidence = []
    for rs in skills:
        valid = [(a, b) for a, b in rs.spans if 0 <= a < b <= len(text)]
        if not valid:
            continue
        a, b = valid[0]
        start, end = _evidence_around(text, a, b)
        line = render(start, end, only=[(a, b, rs.skill.name)])
        if start > 0 and text[start - 1] != "\n":
            line.insert(0, TextPiece("…"))
        if end < len(text) and text[end] != "\n":
            line.append(TextPiece("…"))
        evidence.append(
            SkillEvidence(
                name=rs.skill.name, kind=rs.skill.get_kind_display(), line=line, more=len(valid) - 1
            )
        )
    return {"sections": sections, "evidence": evidence}


# The most of an evidence line shown either side of the evidence. Every skill shows its line,
# and one line can hold every skill of a hostile resume (12,889 in the taxonomy) with a phone
# number to hide after each: whole lines cost skills x line length, minutes and gigabytes a page.
# Lines this long are rare (1 in 100 of the shared data's resumes is over 480 characters).
EVIDENCE_CONTEXT_CHARS = 240


def _evidence_around(text: str, a: int, b: int) -> tuple[int, int]:
    """The line around ``text[a:b]``, cut at a space ``EVIDENCE_CONTEXT_CHARS`` either side
    (at that many characters, within a longer word)."""
    reach = EVIDENCE_CONTEXT_CHARS
    left = max(0, a - reach)
    start = text.rfind("\n", left, a) + 1 or left
    if start == left and left > 0 and text[left - 1] not in " \n":
        space = text.find(" ", left, a)
        start = left if space == -1 else space + 1
    right = min(len(text), b + reach)
    end = text.find("\n", b, right)
    if end == -1:
        end = right
        if right < len(text) and text[right] not in " \n":
            space = text.rfind(" ", b, right)
            end = right if space == -1 else space
    return start, end


REQUIREMENT_LABELS = {"required": "Must have", "nice": "Nice to have", "excluded": "Excluded"}


@dataclass(frozen=True)
class RequirementChange:
    """One recorded edit of a job's requirements, in words: "Must have: added Go; removed SQL"."""

    actor: str
    at: datetime
    lines: list[str]


def _change_lines(before: dict, after: dict) -> list[str]:
    lines = []
    for kind, label in REQUIREMENT_LABELS.items():
        old, new = before.get(kind, []), after.get(kind, [])
        added = [t for t in new if t not in old]
        removed = [t for t in old if t not in new]
        parts = []
        if added:
            parts.append("added " + ", ".join(added))
        if removed:
            parts.append("removed " + ", ".join(removed))
        if parts:
            lines.append(f"{label}: {'; '.join(parts)}")
    return lines


def job_requirement_history(job: Job, *, limit: int = 20) -> list[RequirementChange]:
    """The recorded requirement edits of a job, newest first."""
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.REQUIREMENTS_CHANGED, object_type="job", object_id=job.pk
    ).select_related("actor")[:limit]
    return [
        RequirementChange(
            actor=e.actor.get_username() if e.actor else "the system",
            at=e.created_at,
            lines=_change_lines(e.details.get("before", {}), e.details.get("after", {})),
        )
        for e in events
    ]


def job_for_desk(*, user, pk: int) -> Job:
    """A job of the user's team with what its page shows (404 for another team's)."""
    return get_object_or_404(
        Job.objects.visible_to(user)
        .select_related("category", "source")
        .prefetch_related(Prefetch("job_skills", queryset=JobSkill.objects.for_matching())),
        pk=pk,
    )


def job_desk_context(*, job: Job, user) -> dict:
    """What the job page shows around its candidates: requirements by list, their history,
    and whether this user may change the job."""
    skills = list(job.job_skills.all())
    return {
        "job": job,
        "requirement_groups": [
            (label, kind, [s for s in skills if s.requirement == kind])
            for kind, label in REQUIREMENT_LABELS.items()
        ],
        "history": job_requirement_history(job),
        "can_edit": bool(user.is_staff or job.team_id == user_team_id(user)),
    }
