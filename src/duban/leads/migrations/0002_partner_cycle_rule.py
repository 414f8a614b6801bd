from django.db import migrations

TITLE = "已合作单位报计划前跟进"


def add_cycle_rule(apps, schema_editor):
    """The seed's rule for cooperating partners (S-LEAD-6): follow each partner's reporting
    cycle, a few working days before each report (the cycle gives the days)."""
    FollowUpRule = apps.get_model("supervision", "FollowUpRule")
    if FollowUpRule.objects.filter(subject_kind="leads.partnercycle").exists():
        return
    FollowUpRule.objects.create(
        area="leads",
        title=TITLE,
        cadence="daily",  # the cycle's own days are used instead
        seed_ref="S-LEAD-6",
        scope="all",
        subject_kind="leads.partnercycle",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0001_initial"),
        ("supervision", "0006_escalation_labels"),
    ]
    operations = [migrations.RunPython(add_cycle_rule, migrations.RunPython.noop)]
