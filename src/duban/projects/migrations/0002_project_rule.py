from django.db import migrations


def add_project_rule(apps, schema_editor):
    """The seed's follow-up of projects at the cadence their cycle class demands (S-PRJ-2/3/4):
    one rule that follows each project, on the days its class gives."""
    FollowUpRule = apps.get_model("supervision", "FollowUpRule")
    if FollowUpRule.objects.filter(subject_kind="projects.project").exists():
        return
    FollowUpRule.objects.create(
        area="projects",
        title="项目按周期跟进",
        cadence="weekly",  # each project's class gives its own days
        seed_ref="S-PRJ-2",
        scope="all",
        subject_kind="projects.project",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("supervision", "0006_escalation_labels"),
    ]
    operations = [migrations.RunPython(add_project_rule, migrations.RunPython.noop)]
