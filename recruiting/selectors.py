"""Read helpers for pages and the API: filtered querysets built from validated filter values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from recruiting.models import AuditEvent, Job, JobSkill, Resume, user_team_id


def job_list(*, user, filters: dict) -> QuerySet[Job]:
    """The jobs of ``user``'s team (every team's for staff), filtered."""
    qs = Job.objects.visible_to(user).select_related("category", "source")
    if q := filters.get("q"):
        qs = qs.filter(
            Q(title__icontains=q) | Q(company__icontains=q) | Q(description_text__icontains=q)
        )
    if category := filters.get("category"):
        qs = qs.in_category(category)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if filters.get("remote"):
        qs = qs.remote()
    if source := filters.get("source"):
        qs = qs.filter(source=source)
    # Explicit: a caller's aggregate (GROUP BY) would drop Meta.ordering, and pages need an order.
    return qs.order_by(*Job._meta.ordering)


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


def resume_highlighted_text(
    resume: Resume, *, hidden: Sequence[tuple[int, int]] = (), hidden_label: str = ""
) -> SafeString:
    """The resume text, escaped, with every skill's evidence span wrapped in <mark>.

    ``hidden`` spans (sorted, not overlapping) are replaced by ``hidden_label``; a mark that
    overlaps one is dropped rather than split.
    """
    text = resume.text

    def overlaps_hidden(start: int, end: int) -> bool:
        return any(start < h_end and h_start < end for h_start, h_end in hidden)

    marks = sorted(
        (start, end, rs.skill.name)
        for rs in resume.resume_skills.select_related("skill")
        for start, end in rs.spans
        if 0 <= start < end <= len(text) and not overlaps_hidden(start, end)
    )
    out, pos = [], 0
    for start, end, name in sorted([(s, e, None) for s, e in hidden] + marks):
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        if name is None:
            out.append(hidden_label)
        else:
            out.append(f'<mark title="{escape(name)}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


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
    from django.shortcuts import get_object_or_404

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
