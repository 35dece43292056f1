"""Every existing resume, job and job source goes to the default team: a one-team installation
keeps working as before, with every recruiter sharing one pool."""

from django.db import migrations


def to_default_team(apps, schema_editor):
    Team = apps.get_model("recruiting", "Team")
    team = Team.objects.filter(is_default=True).first() or Team.objects.create(
        name="Default team", is_default=True
    )
    for name in ("Resume", "Job", "JobSource"):
        apps.get_model("recruiting", name).objects.filter(team__isnull=True).update(team=team)


class Migration(migrations.Migration):
    dependencies = [("recruiting", "0011_teams")]

    operations = [migrations.RunPython(to_default_team, migrations.RunPython.noop)]
