"""The supervision pages for each role: agenda, to-do, risk board, lists, calendar (issue 3)."""

import datetime as dt
from unittest import mock

from django.urls import reverse
from icalendar import Calendar

from duban.supervision.choices import MatterStatus, Priority, RiskLevel
from duban.supervision.models import CheckIn, FollowUpRule, Plan, PlanVersion
from duban.supervision.tick import tick
from tests.base import BaseTestCase
from tests.supervision.factories import CheckInFactory, MatterFactory, RiskFactory

D = dt.date
TODAY = D(2026, 3, 3)


def on(day):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


class AgendaTests(BaseTestCase):
    def setUp(self):
        FollowUpRule.objects.exclude(pk=self.rule_a.pk).update(is_active=False)
        self.client.force_login(self.supervisor)

    def test_it_shows_today_overdue_reviews_milestones_and_red_risks(self):
        CheckInFactory(team=self.team_b, lead=self.lead_b, date=TODAY, title="今天的沟通")
        MatterFactory(
            team=self.team_b, owner=self.lead_b, priority=Priority.URGENT, title="紧急补资源"
        )
        with on(TODAY):
            response = self.client.get(reverse("supervision:agenda"))
        context = response.context
        self.assertEqual([c.title for c in context["today_checkins"]], ["今天的沟通"])
        self.assertEqual(context["overdue_checkins"], [self.checkin_a])
        self.assertEqual(context["plans_to_review"], [self.plan_a])
        self.assertEqual([m.title for m in context["urgent_matters"]], ["紧急补资源"])
        self.assertContains(response, "紧急补资源")
        self.assertContains(response, self.risk_a.title)

    def test_it_runs_a_constant_number_of_queries(self):
        tick(today=TODAY)
        with on(TODAY), self.assertNumQueries(14):  # + missed matters, the lines
            self.client.get(reverse("supervision:agenda"))
        for day in range(5):
            CheckInFactory(team=self.team_b, lead=self.lead_b, date=TODAY - dt.timedelta(days=day))
            MatterFactory(team=self.team_b, owner=self.lead_b, deadline=TODAY)
            RiskFactory(team=self.team_b, opened_on=TODAY)
        with on(TODAY), self.assertNumQueries(14):  # + missed matters, the lines
            self.client.get(reverse("supervision:agenda"))

    def test_another_supervisor_sees_nothing_of_line_1(self):
        self.client.force_login(self.other_supervisor)
        with on(TODAY):
            context = self.client.get(reverse("supervision:agenda")).context
        self.assertEqual(context["overdue_checkins"], [])
        self.assertEqual(context["plans_to_review"], [])
        self.assertEqual(context["new_red_risks"], [])


class TodoTests(BaseTestCase):
    def test_a_lead_sees_plans_milestones_check_ins_and_matters(self):
        Plan.objects.filter(pk=self.plan_a.pk).update(status="returned")
        self.client.force_login(self.lead_a)
        with on(TODAY), self.assertNumQueries(7):
            response = self.client.get(reverse("supervision:todo"))
        self.assertEqual(response.context["plans_to_submit"], [self.plan_a])
        self.assertEqual(response.context["checkins"], [self.checkin_a])
        self.assertEqual(response.context["matters"], [self.matter_a])
        self.assertContains(response, "已退回，请修改")

    def test_the_lead_of_team_b_sees_none_of_team_a(self):
        self.client.force_login(self.lead_b)
        with on(TODAY):
            context = self.client.get(reverse("supervision:todo")).context
        for key in ["plans_to_submit", "milestones", "checkins", "matters"]:
            self.assertEqual(context[key], [], key)


class RiskBoardTests(BaseTestCase):
    def test_counts_by_team_and_area_link_to_their_rows(self):
        RiskFactory(team=self.team_a, area="resources", level=RiskLevel.YELLOW)
        RiskFactory(
            team=self.team_b,
            area="leads",
            level=RiskLevel.RED,
            status="resolved",
            resolved_on=TODAY,
        )
        self.client.force_login(self.supervisor)
        with self.assertNumQueries(5):
            response = self.client.get(reverse("supervision:risk_board"))
        rows = {team.name: cells for team, cells in response.context["rows"]}
        resources = rows["电销一组"][0]
        self.assertEqual((resources.area, resources.red, resources.yellow), ("resources", 1, 1))
        self.assertEqual(
            sum(c.red + c.yellow for c in rows["电销二组"]), 0
        )  # resolved: not counted
        link = f"?status=active&amp;level=red&amp;area=resources&amp;team={self.team_a.pk}"
        self.assertContains(response, link)
        drill = self.client.get(
            reverse("supervision:risk_list"),
            {"status": "active", "level": "red", "area": "resources", "team": self.team_a.pk},
        )
        self.assertEqual(len(drill.context["table"].data), resources.red)

    def test_the_lead_of_team_b_counts_nothing_of_team_a(self):
        self.client.force_login(self.lead_b)
        response = self.client.get(reverse("supervision:risk_board"))
        self.assertEqual([team.name for team, _ in response.context["rows"]], ["电销二组"])
        listed = self.client.get(reverse("supervision:risk_list")).context["table"].data
        self.assertEqual(list(listed), [])


class ListScopingTests(BaseTestCase):
    def test_lists_show_the_lead_of_team_b_nothing_of_team_a(self):
        self.client.force_login(self.lead_b)
        for name in ["checkin_list", "matter_list"]:
            with self.subTest(name=name):
                data = self.client.get(reverse(f"supervision:{name}")).context["table"].data
                self.assertEqual(list(data), [])
        rules = self.client.get(reverse("supervision:rule_list")).context["table"].data
        self.assertNotIn(self.rule_a, list(rules))  # team A's own rule; company-wide ones show

    def test_a_member_sees_only_matters_they_own(self):
        mine = MatterFactory(team=self.team_a, owner=self.member_a)
        self.client.force_login(self.member_a)
        data = self.client.get(reverse("supervision:matter_list")).context["table"].data
        self.assertEqual(list(data), [mine])

    def test_matters_unclosed_and_matters_still_to_start_are_two_choices(self):
        """ "未关闭" once shared the value of the status 待处理, so picking 待处理 listed every
        unclosed matter."""
        lead = self.lead_a
        waiting = MatterFactory(team=self.team_a, owner=lead, status=MatterStatus.OPEN)
        started = MatterFactory(team=self.team_a, owner=lead, status=MatterStatus.IN_PROGRESS)
        MatterFactory(team=self.team_a, owner=lead, status=MatterStatus.LANDED)
        self.client.force_login(self.supervisor)
        url = reverse("supervision:matter_list")
        for status, expected in [("open", {waiting}), ("unclosed", {waiting, started})]:
            with self.subTest(status=status):
                listed = self.client.get(url, {"status": status}).context["table"].data
                self.assertEqual(set(listed) & {waiting, started}, expected)
                self.assertFalse(any(m.status == MatterStatus.LANDED for m in listed))

    def test_the_overdue_filter_matches_the_agenda(self):
        self.client.force_login(self.supervisor)
        with on(TODAY):
            data = self.client.get(reverse("supervision:checkin_list"), {"status": "overdue"})
        self.assertEqual(list(data.context["table"].data), [self.checkin_a])


class CalendarFeedTests(BaseTestCase):
    def feed(self, user):
        self.client.force_login(user)
        self.client.get(reverse("supervision:calendar"))
        self.client.logout()
        token = user.calendar_feed.token
        with on(D(2026, 3, 1)):
            response = self.client.get(reverse("supervision:calendar_feed", args=[token]))
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        return Calendar.from_ical(response.content)

    def test_the_feed_parses_back_with_one_event_per_check_in_and_a_stable_uid(self):
        CheckInFactory(team=self.team_a, lead=self.lead_a, date=D(2026, 3, 4), agreed_time=None)
        events = list(self.feed(self.lead_a).walk("VEVENT"))
        self.assertEqual(len(events), 2)
        first = events[0]
        self.assertEqual(str(first["uid"]).split("@")[0], f"checkin-{self.checkin_a.pk}")
        self.assertEqual(first.decoded("dtstart").isoformat(), "2026-03-02T10:00:00+08:00")
        self.assertIn("电销一组", str(first["summary"]))
        self.assertEqual(events[1].decoded("dtstart"), D(2026, 3, 4))  # no agreed time: all day
        again = list(self.feed(self.lead_a).walk("VEVENT"))
        self.assertEqual([str(e["uid"]) for e in again], [str(e["uid"]) for e in events])

    def test_the_lead_of_team_b_gets_none_of_team_a(self):
        self.assertEqual(list(self.feed(self.lead_b).walk("VEVENT")), [])

    def test_links_use_the_address_the_feed_was_requested_from(self):
        (event,) = self.feed(self.lead_a).walk("VEVENT")
        self.assertEqual(str(event["url"]), f"http://testserver{self.checkin_a.get_absolute_url()}")
        with self.settings(SITE_URL="https://duban.example.com"):
            (event,) = self.feed(self.lead_a).walk("VEVENT")
        self.assertTrue(str(event["url"]).startswith("https://duban.example.com/supervision/"))

    def test_a_supervisors_feed_holds_what_they_own_or_attend_for_two_weeks_back(self):
        CheckIn.objects.all().delete()
        mine = CheckInFactory(team=self.team_a, lead=self.lead_a, owner=self.supervisor)
        CheckInFactory(team=self.team_b, lead=self.lead_b, owner=None)  # seen, not attended
        CheckInFactory(  # three weeks back
            team=self.team_a, lead=self.lead_a, owner=self.supervisor, date=D(2026, 2, 5)
        )
        uids = [str(e["uid"]) for e in self.feed(self.supervisor).walk("VEVENT")]
        self.assertEqual([uid.split("@")[0] for uid in uids], [f"checkin-{mine.pk}"])

    def test_a_wrong_or_reset_token_is_refused(self):
        self.assertEqual(self.client.get("/supervision/calendar/nope.ics").status_code, 404)
        old = self.feed_lead_a.token
        self.client.force_login(self.lead_a)
        self.client.post(reverse("supervision:calendar_reset"))
        self.client.logout()
        self.assertEqual(self.client.get(f"/supervision/calendar/{old}.ics").status_code, 404)


class FormViewTests(BaseTestCase):
    def test_editing_a_rule_regenerates_its_future_check_ins(self):
        self.client.force_login(self.supervisor)
        url = reverse("supervision:rule_edit", args=[self.rule_a.pk])
        data = {
            "area": "resources",
            "title": "每周沟通资源",
            "cadence": "weekdays",
            "weekdays": "1，4",
            "scope": "team",
            "team": self.team_a.pk,
            "team_kind": "front",
            "channel": "phone",
            "is_active": "on",
            "version": 1,
            "owner": self.supervisor.pk,
        }
        with on(D(2026, 3, 2)):
            response = self.client.post(url, data)
        self.assertRedirects(response, self.rule_a.get_absolute_url())
        future = CheckIn.objects.filter(rule=self.rule_a, date__gt=D(2026, 3, 2))
        self.assertEqual({d.isoweekday() for d in future.values_list("date", flat=True)}, {1, 4})
        self.assertTrue(CheckIn.objects.filter(pk=self.checkin_a.pk).exists())  # the past stays

    def test_a_bad_custom_weekday_is_explained_in_chinese(self):
        self.client.force_login(self.supervisor)
        response = self.client.post(
            reverse("supervision:rule_create"),
            {
                "area": "resources",
                "title": "x",
                "cadence": "weekdays",
                "weekdays": "周一",
                "scope": "all",
                "channel": "phone",
            },
        )
        self.assertContains(response, "无法识别“周一”")

    def test_recording_a_check_in_through_the_page(self):
        self.client.force_login(self.supervisor)
        url = reverse("supervision:checkin_record", args=[self.checkin_a.pk])
        response = self.client.post(
            url, {"channel": "phone", "findings": "已接收", "outcome": "done", "next_step": ""}
        )
        self.assertRedirects(response, self.checkin_a.get_absolute_url())
        self.assertEqual(CheckIn.objects.get(pk=self.checkin_a.pk).status, "done")
        response = self.client.post(url, {"channel": "phone", "findings": "", "outcome": "done"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "这个字段是必填项", status_code=400)

    def test_a_lead_submits_a_plan_with_milestones(self):
        plan = Plan.objects.get(pk=self.plan_a.pk)
        Plan.objects.filter(pk=plan.pk).update(status="returned")
        self.client.force_login(self.lead_a)
        url = reverse("supervision:plan_submit", args=[plan.pk])
        form = self.client.get(url)
        self.assertContains(form, "资源来源单一")  # the last version is the starting point
        data = {
            "cause": "渠道单一",
            "measures": "增加转介绍",
            "form-TOTAL_FORMS": 3,
            "form-INITIAL_FORMS": 0,
            "form-0-title": "新渠道上线",
            "form-0-due_date": "2026-03-10",
            "form-0-owner": "",
            "form-1-title": "",
            "form-1-due_date": "",
            "form-1-owner": "",
            "form-2-title": "",
            "form-2-due_date": "",
            "form-2-owner": "",
        }
        response = self.client.post(url, data)
        self.assertRedirects(response, plan.get_absolute_url())
        self.assertEqual(PlanVersion.objects.filter(plan=plan).count(), 2)

    def test_a_plan_without_milestones_is_refused_in_chinese(self):
        Plan.objects.filter(pk=self.plan_a.pk).update(status="demanded")
        PlanVersion.objects.filter(plan=self.plan_a).delete()
        self.client.force_login(self.lead_a)
        data = {
            "cause": "x",
            "measures": "y",
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 0,
            "form-0-title": "",
            "form-0-due_date": "",
            "form-0-owner": "",
        }
        response = self.client.post(reverse("supervision:plan_submit", args=[self.plan_a.pk]), data)
        self.assertContains(response, "方案至少要有一个节点")


class PromoteRiskTests(BaseTestCase):
    def test_a_risk_is_promoted_to_a_matter(self):
        self.client.force_login(self.supervisor)
        url = reverse("supervision:matter_create") + f"?risk={self.risk_a.pk}"
        form = self.client.get(url)
        self.assertEqual(form.context["form"].initial["title"], self.risk_a.title)
        data = {
            "title": self.risk_a.title,
            "area": "resources",
            "team": self.team_a.pk,
            "owner": self.lead_a.pk,
            "deadline": "2026-12-10",
            "priority": "high",
            "planned": "",
            "agreed_at": "",
        }
        response = self.client.post(url, data)
        matter = self.risk_a.matters.get()
        self.assertRedirects(response, matter.get_absolute_url())
        self.assertEqual(matter.supervisor, self.supervisor)

    def test_a_risk_out_of_scope_cannot_be_promoted(self):
        self.client.force_login(self.other_supervisor)
        url = reverse("supervision:matter_create") + f"?risk={self.risk_a.pk}"
        self.assertEqual(self.client.get(url).status_code, 404)


class CalendarPageTests(BaseTestCase):
    def test_a_long_calendar_is_cut_with_a_link_to_the_list(self):
        for day in [D(2026, 3, 4), D(2026, 3, 5)]:
            CheckInFactory(team=self.team_a, lead=self.lead_a, owner=self.supervisor, date=day)
        self.client.force_login(self.supervisor)
        with on(D(2026, 3, 2)), mock.patch("duban.supervision.selectors.CALENDAR_ROWS", 2):
            response = self.client.get(reverse("supervision:calendar"))
        self.assertEqual(sum(len(rows) for _, rows in response.context["days"]), 2)
        self.assertContains(response, "只列出最近的安排")


class ByLineTests(BaseTestCase):
    """S-GEN-1: work is followed by time and by line."""

    def setUp(self):
        from tests.factories import TeamFactory

        self.line_1b = self.line_2  # the supervisor follows a second line too
        self.line_1b.supervisors.add(self.supervisor)
        self.team_south = self.team_c
        self.south = CheckInFactory(team=self.team_south, date=TODAY, title="南方的沟通")
        self.east = CheckInFactory(team=self.team_a, date=TODAY, title="东方的沟通")
        RiskFactory(team=self.team_south, title="南方的风险", level=RiskLevel.RED, opened_on=TODAY)
        MatterFactory(team=self.team_south, owner=self.lead_a, title="南方的事项")
        self.assertTrue(TeamFactory)  # (the cast's teams suffice)
        self.client.force_login(self.supervisor)

    def test_the_agenda_can_be_narrowed_to_one_line(self):
        with on(TODAY):
            everything = self.client.get(reverse("supervision:agenda"))
            south = self.client.get(reverse("supervision:agenda"), {"line": self.line_2.pk})
            nonsense = self.client.get(reverse("supervision:agenda"), {"line": "x"})
        titles = lambda r: {c.title for c in r.context["today_checkins"]}  # noqa: E731
        self.assertTrue({"南方的沟通", "东方的沟通"} <= titles(everything))
        self.assertEqual(titles(south), {"南方的沟通"})
        self.assertEqual([r.title for r in south.context["new_red_risks"]], ["南方的风险"])
        self.assertContains(south, "华南业务线")
        self.assertEqual(titles(nonsense), titles(everything))

    def test_every_list_filters_by_line(self):
        for name, text in [
            ("supervision:checkin_list", "南方的沟通"),
            ("supervision:matter_list", "南方的事项"),
            ("supervision:risk_list", "南方的风险"),
        ]:
            with self.subTest(name=name), on(TODAY):
                south = self.client.get(reverse(name), {"line": self.line_2.pk})
                east = self.client.get(reverse(name), {"line": self.line_1.pk})
                self.assertContains(south, text)
                self.assertNotContains(east, text)

    def test_the_plan_list_shows_live_plans_by_default_and_filters_by_line(self):
        response = self.client.get(reverse("supervision:plan_list"))
        self.assertContains(response, str(self.risk_a))
        response = self.client.get(reverse("supervision:plan_list"), {"line": self.line_2.pk})
        self.assertNotContains(response, str(self.risk_a))
        self.client.force_login(self.lead_b)
        self.assertNotContains(self.client.get(reverse("supervision:plan_list")), str(self.risk_a))
