"""Shortlist/reject decisions recorded before the pipeline existed become applications: the
latest decision per (job, resume) sets the stage, with its timeline entries."""

from django.db import migrations


def feedback_to_applications(apps, schema_editor):
    MatchFeedback = apps.get_model("matching", "MatchFeedback")
    Application = apps.get_model("matching", "Application")
    ApplicationEvent = apps.get_model("matching", "ApplicationEvent")
    latest = {}
    for fb in MatchFeedback.objects.order_by("updated_at", "id"):
        latest[(fb.job_id, fb.resume_id)] = fb
    for (job_id, resume_id), fb in latest.items():
        if Application.objects.filter(job_id=job_id, resume_id=resume_id).exists():
            continue
        rejected = fb.decision == "reject"
        app = Application.objects.create(
            job_id=job_id,
            resume_id=resume_id,
            stage="rejected" if rejected else "shortlisted",
            rejection_reason="not_a_fit" if rejected else "",
            created_by_id=fb.user_id,
            stage_changed_at=fb.updated_at,
        )
        ApplicationEvent.objects.create(application=app, actor_id=fb.user_id, kind="created")
        ApplicationEvent.objects.create(
            application=app,
            actor_id=fb.user_id,
            kind="stage",
            from_stage="sourced",
            to_stage=app.stage,
            rejection_reason=app.rejection_reason,
            note=fb.note,
        )


class Migration(migrations.Migration):
    dependencies = [("matching", "0007_pipeline")]

    operations = [migrations.RunPython(feedback_to_applications, migrations.RunPython.noop)]
