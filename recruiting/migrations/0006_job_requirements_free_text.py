# A job's requirements may be free-text terms the taxonomy does not know, and may exclude skills.

import django.db.models.deletion
from django.db import migrations, models

from mlcore.terms import term_key


def fill_terms(apps, schema_editor):
    JobSkill = apps.get_model("recruiting", "JobSkill")
    rows = list(JobSkill.objects.select_related("skill"))
    for row in rows:
        row.term = row.skill.name[:120]
        row.key = term_key(row.term)[:120] or row.term.casefold()[:120]
    JobSkill.objects.bulk_update(rows, ["term", "key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("recruiting", "0005_job_unique_owner_external_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="jobskill",
            name="term",
            field=models.CharField(
                default="",
                help_text="The skill's name, or the recruiter's words for a free-text term.",
                max_length=120,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="jobskill",
            name="key",
            field=models.CharField(
                default="",
                help_text="Case-, spacing- and plural-folded term: one per job.",
                max_length=120,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_terms, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(model_name="jobskill", name="job_skill_unique"),
        migrations.RemoveConstraint(model_name="jobskill", name="jobskill_requirement_valid"),
        migrations.AlterField(
            model_name="jobskill",
            name="skill",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="job_skills",
                to="recruiting.skill",
            ),
        ),
        migrations.AlterField(
            model_name="jobskill",
            name="requirement",
            field=models.CharField(
                choices=[
                    ("required", "Must have"),
                    ("nice", "Nice to have"),
                    ("excluded", "Excluded"),
                ],
                default="required",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="jobskill",
            constraint=models.UniqueConstraint(
                fields=("job", "key"), name="job_requirement_key_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="jobskill",
            constraint=models.CheckConstraint(
                condition=models.Q(("requirement__in", ["required", "nice", "excluded"])),
                name="jobskill_requirement_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="jobskill",
            constraint=models.CheckConstraint(
                condition=models.Q(("key", ""), _negated=True), name="jobskill_key_not_empty"
            ),
        ),
    ]
