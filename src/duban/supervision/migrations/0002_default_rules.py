from django.db import migrations


def load_seed_rules(apps, schema_editor):
    from duban.supervision.default_rules import SEED_RULES

    FollowUpRule = apps.get_model("supervision", "FollowUpRule")
    if FollowUpRule.objects.exists():
        return
    FollowUpRule.objects.bulk_create(
        FollowUpRule(area=area, title=title, cadence=cadence, seed_ref=ref, scope="all")
        for area, title, cadence, ref in SEED_RULES
    )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(load_seed_rules, migrations.RunPython.noop)]
