from django.db import migrations


def move_versions(apps, schema_editor):
    """Each AR-table version becomes one version per team it covered, in the engine's table.

    The old versions counted the whole import, not each team: those counts are kept on every
    team's version, marked as such, and each is linked to the same team's version before it.
    """
    Old = apps.get_model("receivables", "TableVersion")
    New = apps.get_model("supervision", "TableVersion")
    latest = {}
    for old in Old.objects.order_by("as_of", "pk").prefetch_related("teams"):
        for team in old.teams.all():
            latest[team.pk] = New.objects.create(
                kind="ar_table",
                team=team,
                as_of=old.as_of,
                batch_id=old.batch_id,
                previous=latest.get(team.pk),
                rows=old.rows,
                new_count=old.new_count,
                changed_count=old.changed_count,
                summary={
                    "total_outstanding": str(old.total_outstanding),
                    "settled": old.settled_count,
                    "aged": old.aged_count,
                    "whole_import": True,
                },
                changes=old.changes,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("receivables", "0003_batch_as_provenance"),
        ("supervision", "0004_table_versions"),
    ]
    operations = [
        migrations.RunPython(move_versions, migrations.RunPython.noop),
        migrations.DeleteModel(name="TableVersion"),
    ]
