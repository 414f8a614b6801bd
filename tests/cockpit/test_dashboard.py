"""The dashboard per role, and the daily snapshots: every figure adds up from teams to lines
to the company, and opens its rows."""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from duban.cockpit import dashboards, services
from duban.cockpit.models import Snapshot, SnapshotTaken
from duban.core import figures
from duban.org.models import Team
from duban.supervision.tick import tick
from tests.base import BaseTestCase
from tests.factories import TeamFactory

DASHBOARD = reverse("cockpit:dashboard")


class DashboardTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.team_d = TeamFactory(name="电销三组", line=cls.line_1)  # no data at all

    def test_the_executive_starts_on_the_company_dashboard(self):
        self.client.force_login(self.executive)
        self.assertRedirects(self.client.get("/"), DASHBOARD)
        page = self.client.get(DASHBOARD)
        self.assertEqual(
            {t.name for t in page.context["teams"]},
            {"电销一组", "电销二组", "电销三组", "电销四组"},
        )

    def test_the_supervisor_sees_their_line_and_a_lead_their_team(self):
        for user, names in [
            (self.supervisor, {"电销一组", "电销二组", "电销三组"}),
            (self.other_supervisor, {"电销四组"}),
            (self.lead_a, {"电销一组"}),
        ]:
            with self.subTest(user.username):
                self.client.force_login(user)
                page = self.client.get(DASHBOARD)
                self.assertEqual({t.name for t in page.context["teams"]}, names)

    def test_a_member_has_no_dashboard(self):
        self.client.force_login(self.member_a)
        self.assertEqual(self.client.get(DASHBOARD).status_code, 403)

    def test_lines_add_up_to_their_teams_and_the_tiles_to_the_lines(self):
        self.client.force_login(self.executive)
        page = self.client.get(DASHBOARD)
        lines = page.context["lines"]
        totals = [Decimal(0)] * len(lines["columns"])
        for line in lines["rows"]:
            for n, value in enumerate(line["sums"]):
                self.assertEqual(value, sum(row["cells"][n][0] for row in line["teams"]))
                totals[n] += value
        today = timezone.localdate()
        values = figures.compute(list(Team.objects.values_list("pk", flat=True)), today)
        by_code = dict(zip(dashboards.COLUMNS, totals, strict=False))
        for (code, _label), total in by_code.items():
            self.assertEqual(total, sum(v[code] for v in values.values()))
        tiles = {t["tile"].key: t for t in page.context["tiles"]}
        self.assertEqual(tiles["overdue"]["value"], sum(v["ar_overdue"] for v in values.values()))

    def test_a_lead_s_tiles_open_their_team_s_rows(self):
        self.client.force_login(self.lead_a)
        page = self.client.get(DASHBOARD)
        for tile in page.context["tiles"]:
            with self.subTest(tile["tile"].key):
                self.assertTrue(tile["url"])
                self.assertEqual(self.client.get(tile["url"]).status_code, 200)

    def test_the_heat_map_counts_open_risks_by_team_and_area(self):
        self.client.force_login(self.supervisor)
        heat = self.client.get(DASHBOARD).context["heat"]
        cells = {
            (team.name, area): cell
            for team, row in heat["rows"]
            for area, cell in zip(heat["areas"], row, strict=True)
        }
        risk = self.risk_a
        cell = cells[(risk.team.name, risk.get_area_display())]
        self.assertEqual(cell["red"] + cell["yellow"], 1)
        self.assertEqual(self.client.get(cell["url"]).status_code, 200)
        others = sum(c["red"] + c["yellow"] for key, c in cells.items() if c is not cell)
        self.assertEqual(others, 0)

    def test_a_dashboard_without_teams_says_so(self):
        self.client.force_login(self.lead_a)
        Team.objects.filter(pk=self.team_a.pk).update(is_active=False)
        self.assertContains(self.client.get(DASHBOARD), "您还没有可以查看的团队")


class SnapshotTests(BaseTestCase):
    def test_a_snapshot_keeps_every_figure_of_every_active_team_and_is_taken_again(self):
        day = dt.date(2026, 11, 30)
        services.snapshot_take(day=day)
        teams = Team.objects.filter(is_active=True).count()
        self.assertEqual(Snapshot.objects.filter(day=day).count(), teams * len(figures.FIGURES))
        self.assertEqual(services.snapshot_take(day=day), 0)  # nothing changed: nothing to say
        self.assertEqual(Snapshot.objects.filter(day=day).count(), teams * len(figures.FIGURES))
        values = figures.compute([self.team_a.pk], day)[self.team_a.pk]
        kept = dict(Snapshot.objects.filter(team=self.team_a, day=day).values_list("code", "value"))
        self.assertEqual(kept, values)

    def test_S_EVAL_1_snapshots_reconcile_from_teams_to_lines_to_the_company(self):
        day = dt.date(2026, 11, 30)
        services.snapshot_take(day=day)
        rows = Snapshot.objects.filter(day=day)
        company = dict(rows.values_list("code").annotate(total=Sum("value")))
        lines: dict[str, Decimal] = {}
        for line in [self.line_1, self.line_2]:
            per_line = rows.filter(team__line=line).values("code").annotate(total=Sum("value"))
            for row in per_line:
                lines[row["code"]] = lines.get(row["code"], Decimal(0)) + row["total"]
                teams = rows.filter(team__line=line, code=row["code"])
                self.assertEqual(row["total"], sum(t.value for t in teams))
        self.assertEqual(lines, company)

    def test_tick_takes_the_day_s_snapshot_after_the_detectors(self):
        day = dt.date(2026, 11, 30)  # a Monday
        report = tick(today=day)
        self.assertGreater(report["snapshots"], 0)
        self.assertEqual(
            Snapshot.objects.filter(day=day).count(),
            Team.objects.filter(is_active=True).count() * len(figures.FIGURES),
        )

    def test_a_past_day_stays_what_it_was(self):
        services.snapshot_take(day=dt.date(2026, 11, 27))
        before = list(Snapshot.objects.values_list("team", "code", "value"))
        services.snapshot_take(day=dt.date(2026, 11, 30))
        after = list(
            Snapshot.objects.filter(day=dt.date(2026, 11, 27)).values_list("team", "code", "value")
        )
        self.assertEqual(before, after)


class DashboardCostTests(BaseTestCase):
    def queries(self, user) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(user)
        self.client.get(DASHBOARD)  # sessions and caches warmed
        with CaptureQueriesContext(connection) as seen:
            self.assertEqual(self.client.get(DASHBOARD).status_code, 200)
        return len(seen)

    def test_the_queries_do_not_grow_with_the_teams(self):
        before = self.queries(self.executive)
        for n in range(6):
            TeamFactory(name=f"新组{n}", line=self.line_1)
        self.assertEqual(self.queries(self.executive), before)


class FreshSnapshotTests(BaseTestCase):
    """Many teams' figures come from today's snapshot while it is fresh (duban tick takes it
    every 15 minutes); a lead's own team is always computed now."""

    def setUp(self):
        self.today = timezone.localdate()
        services.snapshot_take(day=self.today)
        self.taken = SnapshotTaken.objects.get(day=self.today)
        kept = Snapshot.objects.filter(team=self.team_a, day=self.today, code="plans_overdue")
        kept.update(value=42)  # so that the test can tell the snapshot from a computation

    def figures(self, minutes_later):
        now = self.taken.at + dt.timedelta(minutes=minutes_later)
        return dashboards.today_figures([self.team_a.pk, self.team_b.pk], self.today, now)

    def test_a_fresh_snapshot_is_read_and_says_when_it_was_taken(self):
        values, as_of = self.figures(5)
        self.assertEqual(values[self.team_a.pk]["plans_overdue"], 42)
        self.assertEqual(as_of, self.taken.at)
        self.client.force_login(self.executive)
        page = self.client.get(DASHBOARD)
        self.assertContains(page, "数字截至")
        computed = figures.compute([self.team_b.pk], self.today)[self.team_b.pk]
        self.assertEqual(values[self.team_b.pk], computed)
        self.assertEqual(str(values[self.team_a.pk]["plans_overdue"]), "42")  # a count, not 42.00

    def test_a_stale_snapshot_is_computed_again(self):
        values, as_of = self.figures(21)
        self.assertNotEqual(values[self.team_a.pk]["plans_overdue"], 42)
        self.assertIsNone(as_of)

    def test_a_team_the_snapshot_does_not_hold_is_computed(self):
        late = TeamFactory(name="新组", line=self.line_1)
        now = self.taken.at + dt.timedelta(minutes=1)
        values, _as_of = dashboards.today_figures([self.team_a.pk, late.pk], self.today, now)
        self.assertEqual(values[late.pk], figures.compute([late.pk], self.today)[late.pk])

    def test_a_lead_s_team_is_always_computed_now(self):
        shown = dashboards.dashboard(self.lead_a, self.today)
        self.assertIsNone(shown["as_of"])
        self.assertNotEqual(
            next(t for t in shown["tiles"] if t["tile"].key == "plans_overdue")["value"], 42
        )
