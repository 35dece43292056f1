"""Read helpers for matching pages: a recruiter's dashboard, and the models page in plain words."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, F, Max, Q
from django.utils import timezone

from matching.charts import drift_series, metric_series
from matching.models import DriftReport, ModelVersion, PileRun
from matching.services.matching import weights
from matching.services.pipeline import waiting_by_stage
from mlcore.retrieval.scorer import DEFAULT_EXCLUDED_CAP
from recruiting.models import IngestionRun, Job, Resume

RECENT_FAILURES = timedelta(days=14)


def recruiter_dashboard(*, user, since: datetime | None) -> dict:
    """What a recruiter looks at first: the open jobs they work on (with candidates waiting
    per stage), candidates new in the team's pool since ``since`` (their previous login; the
    last 7 days without one), candidates waiting in each stage, and runs that failed."""
    now = timezone.now()
    jobs = Job.objects.visible_to(user).open()
    worked_on = jobs.filter(Q(owner=user) | Q(applications__events__actor=user)).values("id")
    mine = (
        Job.objects.filter(pk__in=worked_on)
        .annotate(
            last_activity=Max("applications__stage_changed_at"),
            **{
                f"n_{stage}": Count(
                    "applications", filter=Q(applications__stage=stage), distinct=True
                )
                for stage in ("sourced", "shortlisted", "contacted", "interviewing", "offer")
            },
        )
        .order_by(F("last_activity").desc(nulls_last=True), "-created_at", "-id")[:10]
    )
    window_start = since or now - timedelta(days=7)
    new = Resume.objects.visible_to(user).filter(created_at__gt=window_start)
    failed_since = now - RECENT_FAILURES
    return {
        "my_jobs": list(mine),
        "team_open_jobs": jobs.count(),
        "new_since": since,
        "new_window_start": window_start,
        "new_candidates": new.count(),
        "new_latest": list(new.select_related("category").order_by("-created_at", "-id")[:5]),
        "waiting": waiting_by_stage(user=user),
        "failed_piles": list(
            PileRun.objects.visible_to(user)
            .filter(status=PileRun.Status.FAILED, created_at__gte=failed_since)
            .select_related("job")[:5]
        ),
        # Job boards and their runs are for admins (feed URLs and errors), as in the API.
        "failed_ingestions": list(
            IngestionRun.objects.filter(
                status=IngestionRun.Status.FAILED, created_at__gte=failed_since
            ).select_related("source")[:5]
        )
        if user.is_staff
        else [],
        "failed_resumes": Resume.objects.visible_to(user)
        .filter(status=Resume.Status.FAILED, updated_at__gte=failed_since)
        .count(),
    }


# The names of the score parts and of the model's figures, in words a recruiter uses.
PART_LABELS = {
    "semantic": "Overall fit of the resume's text",
    "keywords": "Telling words the job and the resume share",
    "required": "Must-haves covered",
    "related": "Must-haves nearly covered (said in other words)",
    "nice": "Nice-to-haves covered",
    "category": "Same field of work",
    "experience": "Years of experience",
    "excluded": "Excluded terms found",
}
DRIFT_WORDS = {
    DriftReport.Kind.DATA: "the words used",
    DriftReport.Kind.CENTROID: "the topics within each field",
    DriftReport.Kind.SKILL: "the skills asked for",
}


def model_in_words(version: ModelVersion | None) -> list[str]:
    """The active model's figures as sentences (the exact figures stay on the page below)."""
    if version is None:
        return [
            "No trained model is active yet: candidates and jobs are matched on their text and "
            "skills, but the field of work (IT, accounting, sales…) is not guessed."
        ]
    m = version.metrics
    out = []
    for kind, plural in (("resume", "resumes"), ("job", "job descriptions")):
        accuracy, answered = m.get(f"{kind}_accuracy"), m.get(f"{kind}_answered_accuracy")
        if isinstance(accuracy, int | float):
            sentence = (
                f"It guesses the field of work of {plural} it has not seen right "
                f"{accuracy:.0%} of the time"
            )
            if isinstance(answered, int | float):
                sentence += f", and {answered:.0%} of the time when it is sure enough to say"
            out.append(sentence + ".")
        gain = m.get(f"{kind}_macro_f1_gain_points")
        if isinstance(gain, int | float):
            better = "better" if gain >= 0 else "worse"
            out.append(
                f"On {plural}, it does {abs(gain):.0f} points {better} than a simple "
                "word-counting method."
            )
    return out or ["This model recorded no figures."]


def drift_in_words(reports: list[DriftReport]) -> list[tuple[str, bool]]:
    """The latest check of each kind as (sentence, changed)."""
    out = []
    for report in reports:
        subject = "job descriptions" if report.subject == DriftReport.Subject.JOBS else "resumes"
        what = DRIFT_WORDS.get(report.kind, report.get_kind_display())
        if report.outcome == DriftReport.Outcome.NOT_ENOUGH_DATA:
            out.append(
                (f"Not enough recent {subject} yet to tell whether {what} have changed.", False)
            )
        elif report.outcome == DriftReport.Outcome.FAILED:
            out.append((f"The check of {what} in recent {subject} could not run.", True))
        elif report.drifted:
            out.append(
                (
                    f"Recent {subject} differ from the ones the model learned from in {what}: "
                    "a retrain may help.",
                    True,
                )
            )
        else:
            out.append(
                (f"Recent {subject} look like the ones the model learned from in {what}.", False)
            )
    return out


def dashboard_summary() -> dict:
    active = ModelVersion.objects.current()
    latest = []
    for subject in DriftReport.Subject.values:
        for kind in DriftReport.Kind.values:
            report = DriftReport.objects.filter(kind=kind, subject=subject).first()
            if report is not None:
                latest.append(report)
    return {
        "active_model": active,
        "model_words": model_in_words(active),
        "latest_drift": latest,
        "drift_words": drift_in_words(latest),
    }


def match_weights() -> list[tuple[str, float, float]]:
    """Each score part's share for jobs whose requirements a person wrote and for postings
    whose requirements were read from their text: (label, written, read), largest first."""
    sets = weights().as_dict()

    def shares(name: str) -> dict[str, float]:
        raw = {k: float(v) for k, v in sets[name].items()}
        total = sum(raw.values()) or 1.0
        return {k: v / total for k, v in raw.items()}

    written, read = shares("explicit"), shares("extracted")
    rows = [(PART_LABELS.get(k, k), written.get(k, 0.0), read.get(k, 0.0)) for k in written]
    return sorted(rows, key=lambda row: -(row[1] + row[2]))


def models_overview() -> dict:
    """The models page: the active version and drift in words, the score's weights, the latest
    versions and drift checks, and the series their charts draw."""
    versions = list(ModelVersion.objects.all()[:50])
    reports = list(DriftReport.objects.all()[:200])
    return {
        **dashboard_summary(),
        "weights": match_weights(),
        "excluded_cap": DEFAULT_EXCLUDED_CAP,
        "versions": versions,
        "reports": reports[:30],
        "metric_series": metric_series(versions),
        "drift_series": drift_series(reports),
    }
