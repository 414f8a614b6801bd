"""`duban demo` builds the same realistic company every time (issues 2 and 3)."""

import datetime as dt
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from duban.core.demo import DEMO_PASSWORD, build_demo
from duban.org.choices import Role, TeamKind
from duban.org.models import BusinessLine, Employee, Team, User
from duban.supervision.choices import CheckInStatus, MatterStatus, PlanStatus, RiskStatus
from duban.supervision.models import CheckIn, Matter, Plan, Risk

TODAY = dt.date(2026, 11, 27)


FIRST_BUILD = {}  # the first build's description, for the second to compare with


class DemoCompanyTests(TestCase):
    """One build of the demo, every check of it: a build takes half a minute."""

    @classmethod
    def setUpTestData(cls):
        cls.company = build_demo(TODAY)
        FIRST_BUILD["description"] = describe()

    def test_it_builds_the_company_the_seed_describes(self):
        self.assertGreaterEqual(BusinessLine.objects.count(), 2)
        self.assertGreaterEqual(Team.objects.count(), 6)
        kinds = set(Team.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, {TeamKind.FRONT, TeamKind.BACK})
        self.assertGreaterEqual(Employee.objects.count(), 60)
        for name in ["维盛", "横洲", "小祁", "王立霞"]:
            self.assertTrue(Employee.objects.filter(name=name).exists(), name)
        roles = {role for role, _, _ in self.company.logins}
        self.assertEqual(roles, {role.label for role in Role})

    def test_every_printed_login_works(self):
        for _, username, _ in self.company.logins:
            with self.subTest(username=username):
                form = {"username": username, "password": DEMO_PASSWORD}
                self.assertEqual(self.client.post(reverse("login"), form).status_code, 302)
                self.client.logout()

    def test_three_months_of_check_ins_some_missed(self):
        first = CheckIn.objects.order_by("date").first().date
        self.assertLessEqual(first, TODAY - dt.timedelta(days=85))
        statuses = set(CheckIn.objects.filter(date__lt=TODAY).values_list("status", flat=True))
        self.assertEqual(statuses, set(CheckInStatus.values))
        self.assertTrue(CheckIn.objects.overdue(TODAY).exists())

    def test_matters_risks_and_plans_in_every_state(self):
        self.assertEqual(
            set(Matter.objects.values_list("status", flat=True)), set(MatterStatus.values)
        )
        self.assertEqual(
            set(Plan.objects.values_list("status", flat=True)),
            set(PlanStatus.values) - {PlanStatus.CANCELLED},
        )
        risk_statuses = set(Risk.objects.values_list("status", flat=True))
        self.assertTrue(
            {RiskStatus.OPEN, RiskStatus.PLANNING, RiskStatus.MITIGATED} <= risk_statuses
        )
        self.assertTrue(Risk.objects.filter(source="checkins_overdue").exists())

    def test_receivables_with_two_table_versions_and_live_risks(self):
        from duban.receivables.models import Receivable
        from duban.supervision.models import TableVersion

        self.assertGreaterEqual(Receivable.objects.count(), 2000)
        tables = TableVersion.objects.filter(kind="ar_table")
        self.assertEqual(len(set(tables.values_list("as_of", flat=True))), 2)
        latest = tables.order_by("-as_of").first()
        self.assertEqual(latest.previous.team, latest.team)
        self.assertGreater(sum(v.summary["settled"] for v in tables.filter(as_of=latest.as_of)), 0)
        sources = set(Risk.objects.filter(area="receivables").values_list("source", flat=True))
        self.assertTrue({"tables_stale", "ar_large", "ar_due_not_planned"} <= sources)

    def test_a_receivable_is_open_exactly_while_it_owes_something(self):
        """Rows the demo wrote directly were left open at zero, and a re-import of the demo's
        own export then "changed" them to settled."""
        from duban.receivables.choices import ReceivableStatus
        from duban.receivables.models import Receivable

        self.assertFalse(
            Receivable.objects.filter(status=ReceivableStatus.OPEN, outstanding__lte=0)
        )
        self.assertFalse(
            Receivable.objects.filter(status=ReceivableStatus.SETTLED, outstanding__gt=0)
        )

    def test_scorecards_computed_for_many_leads_at_once_are_each_lead_s_own(self):
        from duban.cockpit import selectors
        from duban.core.scoring import MEASURES

        leads = list(User.objects.filter(role=Role.LEAD, is_active=True).order_by("pk"))
        split = {code for code, m in MEASURES.items() if m.split}
        self.assertGreaterEqual(len(split), 4)
        found = set()
        with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
            for month in (dt.date(2026, 11, 1), dt.date(2026, 10, 1)):
                for card in selectors.scorecards(leads, month, TODAY):
                    one = selectors.scorecard(card.lead, month, TODAY)
                    self.assertEqual(card.total, one.total)
                    for many_d, one_d in zip(card.dimensions, one.dimensions, strict=True):
                        for many_m, one_m in zip(many_d.measures, one_d.measures, strict=True):
                            code = one_m.measure.code
                            with self.subTest(month=month, lead=card.lead.username, code=code):
                                self.assertEqual(many_m.items, one_m.items)
                            if code in split and one_m.items:
                                found.add(code)
        self.assertEqual(found, split)  # each split measure was compared on real items

    def test_the_command_keeps_existing_demo_data(self):
        out = StringIO()
        call_command("demo", no_serve=True, stdout=out)
        self.assertIn("演示数据已存在", out.getvalue())
        self.assertIn(DEMO_PASSWORD, out.getvalue())
        self.assertEqual(User.objects.filter(username="duban").count(), 1)

    # --- realism -------------------------------------------------------------------------

    def test_a_supervisors_day_is_tens_of_check_ins_not_every_teams(self):
        from django.db.models import Count

        busiest = (
            CheckIn.objects.filter(date__gte=TODAY, date__lte=TODAY + dt.timedelta(days=7))
            .values("owner", "date")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        self.assertLess(busiest["n"], 50)

    def test_the_aging_page_says_why_it_differs_from_the_latest_tables(self):
        from unittest import mock

        from django.urls import reverse

        self.client.force_login(User.objects.get(username="lingdao"))
        with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
            page = self.client.get(reverse("receivables:aging"))
        company, tables = page.context["company"], page.context["tables"]
        if tables["total"] != company["total"]:
            self.assertContains(page, "此后在系统里记录的回款和修改")

    # --- resources (issue 11) ----------------------------------------------------------------

    def test_resources_for_every_front_team_a_week_of_hand_overs_one_team_short(self):
        from duban.resources.choices import HandoverStatus
        from duban.resources.models import Handover, Resource
        from duban.resources.selectors import calling_teams, cover

        for team in calling_teams():
            self.assertGreater(Resource.objects.filter(team=team).count(), 1000, team.name)
        statuses = set(Handover.objects.values_list("status", flat=True))
        self.assertTrue({HandoverStatus.RECEIVED, HandoverStatus.SENT} <= statuses)
        short = [row.team.name for row in cover(calling_teams(), today=TODAY) if row.low]
        self.assertEqual(short, ["电销三组"])
        swap = Handover.objects.get(
            from_employee__name="横洲", to_employee__name="小祁", arrangement__gt=""
        )
        self.assertEqual(swap.status, HandoverStatus.RECEIVED)
        self.assertIn("约到", swap.arrangement_result)
        risk = Risk.objects.get(source="res_cover_low", resolved_on=None)
        self.assertEqual(risk.team.name, "电销三组")
        self.assertTrue(risk.plans.exists())  # a supply plan demanded (倒逼)
        self.assertTrue(Risk.objects.filter(source="res_handover_unreceived").exists())

    # --- after-sales (issue 15) ----------------------------------------------------------------

    def test_three_months_of_cases_breaches_undecided_and_a_late_table(self):
        from duban.aftersales.models import Case

        self.assertGreaterEqual(Case.objects.count(), 80)
        self.assertTrue(Case.objects.filter(escalation__gt=0).exists())  # past its deadline
        sources = set(
            Risk.objects.filter(area="aftersales", resolved_on=None).values_list(
                "source", flat=True
            )
        )
        self.assertTrue({"as_deadline", "as_undecided", "as_table_unreturned"} <= sources)
        late = Risk.objects.get(source="as_table_unreturned", resolved_on=None)
        self.assertEqual(late.team.name, "电销四组")

    # --- projects (issue 14) -------------------------------------------------------------------

    def test_projects_of_every_class_one_re_classed_new_ones_one_projected_to_miss(self):
        from duban.projects.models import Project

        self.assertEqual(
            set(Project.objects.values_list("cycle", flat=True)), {"short", "medium", "long"}
        )
        moved = Project.objects.get(name="企业宽带季度推广")
        self.assertEqual(moved.cycle, "medium")  # its end date moved out
        self.assertTrue(moved.history.filter(cycle="short").exists())
        missing = Risk.objects.get(source="prj_indicator_miss", resolved_on=None)
        self.assertEqual(missing.subject.name, "云服务新客户拓展")
        self.assertTrue(missing.plans.exists())  # a plan demanded (倒逼)

    # --- sales leads (issue 13) ---------------------------------------------------------------

    def test_requests_one_trending_to_miss_cycles_summaries_and_closed_leads(self):
        from duban.leads.models import LeadRequest, LeadSummary, SalesLead
        from duban.leads.selectors import calibration

        back_teams = set(LeadRequest.objects.values_list("back_team__name", flat=True))
        self.assertEqual(back_teams, {"华东合作交付组", "华南合作交付组"})
        short = Risk.objects.get(source="leads_shortfall", resolved_on=None)
        self.assertEqual(short.team.name, "电销二组")
        self.assertTrue(short.plans.exists())  # a plan demanded (倒逼)
        cycles = Risk.objects.filter(source="leads_cycle_unfollowed", resolved_on=None)
        self.assertIn("电销一组", [risk.team.name for risk in cycles])
        self.assertGreaterEqual(calibration(SalesLead.objects.all()).closed, 50)
        days = LeadSummary.objects.filter(team__name="电销二组").count()
        self.assertLess(days, LeadSummary.objects.filter(team__name="电销一组").count())

    # --- people (issue 12) -------------------------------------------------------------------

    def test_a_month_of_staff_changes_trainings_talks_and_their_risks(self):
        from duban.people.models import StaffChange, Training

        kinds = sorted(StaffChange.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, ["join", "join", "leave", "transfer"])
        for change in StaffChange.objects.all():
            self.assertTrue(Plan.objects.filter(matter=change.staffing_matter).exists())
        retrained = Training.objects.filter(retrainings__isnull=False).get()
        self.assertEqual(retrained.team.name, "电销三组")
        live = {
            risk.source: risk
            for risk in Risk.objects.filter(area="people", resolved_on=None)
            if risk.source != "manual"
        }
        failed = Risk.objects.get(source="hr_pass_rate_low", resolved_on=None)
        self.assertEqual(failed.team.name, "电销五组")
        self.assertTrue(failed.plans.exists())  # a re-training plan demanded (倒逼)
        self.assertEqual(live["hr_short_of_plan"].team.name, "电销二组")
        self.assertIn("hr_relations", live)
        self.assertIn("hr_cost_over_budget", live)
        behind = Risk.objects.filter(source="hr_talks_missing", level="red", resolved_on=None)
        self.assertEqual([risk.team.name for risk in behind], ["电销四组"])
        late = Risk.objects.filter(source="hr_best_employee_late", resolved_on=None)
        self.assertEqual([risk.team.name for risk in late], ["电销五组"])


def describe() -> list:
    return [
        list(
            Employee.objects.order_by("team__name", "name").values_list(
                "team__name", "name", "status", "hire_date", "daily_capacity"
            )
        ),
        list(
            CheckIn.objects.order_by("date", "team__name", "area", "title").values_list(
                "date", "team__name", "title", "status", "outcome"
            )
        ),
        list(Matter.objects.order_by("title").values_list("title", "status", "deadline")),
        list(
            Plan.objects.order_by("submit_by", "team__name").values_list(
                "team__name", "status", "submit_by"
            )
        ),
    ]


class DemoRebuildTests(TestCase):
    def test_the_command_builds_the_same_company_again_even_after_a_reset(self):
        from unittest import mock

        from duban.supervision.models import FollowUpRule

        if "description" not in FIRST_BUILD:  # run on its own
            with transaction.atomic():
                build_demo(TODAY)
                FIRST_BUILD["description"] = describe()
                transaction.set_rollback(True)
        FollowUpRule.objects.all().delete()  # what `duban demo --reset` (a flush) leaves
        out = StringIO()
        with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
            call_command("demo", no_serve=True, stdout=out)
        self.assertIn("正在建立演示公司", out.getvalue())
        self.assertTrue(FollowUpRule.objects.filter(is_active=True).exists())
        self.assertTrue(CheckIn.objects.filter(date=TODAY).exists())
        self.assertEqual(describe(), FIRST_BUILD["description"])
