"""Recruiter pages of the matching app: the job desk's candidates and pipeline (desk), and the
dashboard, jobs for a resume, blind review and the models page (pages), rank a pile (pile)."""

from matching.views.desk import (
    application_move,
    application_note,
    application_undo,
    candidate_for_job,
    explanation,
    feedback_submit,
    job_candidates,
)
from matching.views.pages import (
    blind_review_toggle,
    candidate_reveal,
    dashboard,
    drift_report_file,
    models_and_drift,
    resume_matches,
)
from matching.views.pile import pile_run, pile_run_csv, pile_run_explain, rank_pile

__all__ = [
    "application_move",
    "application_note",
    "application_undo",
    "blind_review_toggle",
    "candidate_for_job",
    "candidate_reveal",
    "dashboard",
    "drift_report_file",
    "explanation",
    "feedback_submit",
    "job_candidates",
    "models_and_drift",
    "pile_run",
    "pile_run_csv",
    "pile_run_explain",
    "rank_pile",
    "resume_matches",
]
