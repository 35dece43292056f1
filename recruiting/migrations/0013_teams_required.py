import django.db.models.deletion
from django.db import migrations, models

import recruiting.models


class Migration(migrations.Migration):
    dependencies = [("recruiting", "0012_teams_default")]

    operations = [
        migrations.AlterField(
            model_name="resume",
            name="team",
            field=models.ForeignKey(
                default=recruiting.models.default_team_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="resumes",
                to="recruiting.team",
            ),
        ),
        migrations.AlterField(
            model_name="job",
            name="team",
            field=models.ForeignKey(
                default=recruiting.models.default_team_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="jobs",
                to="recruiting.team",
            ),
        ),
        migrations.AlterField(
            model_name="jobsource",
            name="team",
            field=models.ForeignKey(
                default=recruiting.models.default_team_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sources",
                to="recruiting.team",
            ),
        ),
        migrations.RemoveConstraint(model_name="resume", name="resume_unique_file_per_owner"),
        migrations.AddConstraint(
            model_name="resume",
            constraint=models.UniqueConstraint(
                fields=("team", "owner", "sha256"), name="resume_unique_file_per_owner_team"
            ),
        ),
    ]
