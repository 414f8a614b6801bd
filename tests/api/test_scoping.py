"""The API scopes exactly as the pages do: every endpoint starts from ``visible_to`` (issue 17).

For each family of endpoints the cast holds a row of team A and one of team B: a lead sees
their own team's and never the other's (404 for its detail), the other line's supervisor
neither, the executive both; a member only what names them."""

from tests.api.base import BothTeamsTestCase

# path, the attribute of the cast for team A's row, and for team B's
FAMILIES = [
    ("/teams", "team_a", "team_b"),
    ("/employees", "worker_a", "worker_b"),
    ("/partners", "customer_a", "customer_b"),
    ("/checkins", "checkin_a", "checkin_b"),
    ("/matters", "matter_a", "matter_b"),
    ("/risks", "risk_a", "risk_b"),
    ("/plans", "plan_a", "plan_b"),
    ("/resources", "resource_a", "resource_b"),
    ("/handovers", "handover_a", "handover_b"),
    ("/staff-changes", "change_a", "change_b"),
    ("/trainings", "training_a", "training_b"),
    ("/lead-requests", "request_a", "request_b"),
    ("/sales-leads", "lead_a_row", "lead_b_row"),
    ("/projects", "project_a", "project_b"),
    ("/receivables", "receivable_a", "receivable_b"),
    ("/cases", "case_a", "case_b"),
]


class ScopingTests(BothTeamsTestCase):
    def assert_sees(self, role, path, *, mine, not_mine):
        found = self.ids(role, path, limit=200)
        self.assertIn(mine.pk, found, f"{role} misses {path}")
        self.assertNotIn(not_mine.pk, found, f"{role} sees another team's {path}")
        self.assertEqual(self.get(role, f"{path}/{mine.pk}").status_code, 200)
        detail = self.get(role, f"{path}/{not_mine.pk}")
        self.assertEqual(detail.status_code, 404, f"{role} reads another team's {path}")
        self.assertEqual(detail.json(), {"detail": "没有找到这条记录，或您无权查看。"})

    def test_a_lead_sees_their_own_teams_rows_and_never_the_others(self):
        for path, a, b in FAMILIES:
            with self.subTest(path=path):
                mine, theirs = getattr(self, a), getattr(self, b)
                self.assert_sees("lead_a", path, mine=mine, not_mine=theirs)
                self.assert_sees("lead_b", path, mine=theirs, not_mine=mine)

    def test_the_executive_and_the_admin_read_everything(self):
        for role in ("executive", "admin"):
            for path, a, b in FAMILIES:
                with self.subTest(role=role, path=path):
                    found = self.ids(role, path, limit=200)
                    self.assertLessEqual({getattr(self, a).pk, getattr(self, b).pk}, found)

    def test_the_supervisor_of_another_line_sees_neither_team(self):
        for path, a, b in FAMILIES:
            with self.subTest(path=path):
                found = self.ids("other_supervisor", path, limit=200)
                self.assertFalse({getattr(self, a).pk, getattr(self, b).pk} & found)
                self.assertEqual(
                    self.get("other_supervisor", f"{path}/{getattr(self, a).pk}").status_code, 404
                )

    def test_a_member_sees_only_what_names_them(self):
        self.assertEqual(self.ids("member_a", "/employees"), {self.member_a_employee.pk})
        self.assertEqual(self.ids("member_a", "/resources"), {self.resource_a.pk})
        self.assertEqual(self.ids("member_a", "/cases"), {self.case_a.pk})
        self.assertEqual(self.ids("member_a", "/handovers"), {self.handover_a.pk})
        for path in ("/checkins", "/risks", "/plans", "/receivables", "/projects", "/partners"):
            with self.subTest(path=path):
                self.assertEqual(self.ids("member_a", path), set())

    def test_a_member_sees_their_own_training_result_only(self):
        from duban.people.models import TrainingResult

        TrainingResult.objects.create(training=self.training_a, employee=self.member_a_employee)
        (training,) = self.items("member_a", "/trainings")
        self.assertEqual([r["employee"]["name"] for r in training["results"]], ["横洲"])
        (training,) = [t for t in self.items("lead_a", "/trainings")]
        self.assertEqual(len(training["results"]), 2)

    def test_a_filter_on_a_team_out_of_scope_is_refused(self):
        for path in ("/checkins", "/employees", "/handovers", "/projects", "/receivables"):
            with self.subTest(path=path):
                response = self.get("lead_a", path, team=self.team_b.pk)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json()["detail"][0]["loc"][-1], "team")

    def test_the_agenda_is_the_supervisors_and_the_todo_the_leads(self):
        agenda = self.get("supervisor", "/agenda")
        self.assertEqual(agenda.status_code, 200)
        self.assertEqual(self.get("executive", "/agenda").status_code, 200)
        refused = self.get("lead_a", "/agenda")
        self.assertEqual(refused.status_code, 403)
        self.assertIn("/todo", refused.json()["detail"])
        todo = self.get("lead_a", "/todo").json()
        self.assertEqual([p["id"] for p in todo["plans_in_review"]], [self.plan_a.pk])
        todo_b = self.get("lead_b", "/todo").json()
        self.assertEqual([p["id"] for p in todo_b["plans_to_submit"]], [self.plan_b.pk])
        self.assertEqual(
            self.get("other_supervisor", "/agenda", line=self.line_1.pk).status_code, 422
        )

    def test_the_agenda_holds_what_the_selector_gives_the_page(self):
        import datetime as dt
        from unittest import mock

        today = self.checkin_a.date
        with mock.patch("django.utils.timezone.localdate", return_value=today):
            agenda = self.get("supervisor", "/agenda").json()
            other = self.get("other_supervisor", "/agenda").json()
        self.assertEqual(agenda["today"], today.isoformat())
        ids = {row["id"] for row in agenda["today_checkins"]}
        self.assertEqual(ids, {self.checkin_a.pk, self.checkin_b.pk})
        self.assertEqual(agenda["today_checkin_count"], 2)
        self.assertEqual(other["today_checkins"], [])
        self.assertEqual([p["id"] for p in agenda["plans_to_review"]], [self.plan_a.pk])
        self.assertIsInstance(dt.date.fromisoformat(agenda["new_risks_since"]), dt.date)
