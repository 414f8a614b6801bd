"""Write endpoints go through the services, for the role that may and not the role that may
not; a write based on a stale version is refused with the pages' message (issue 17)."""

from duban.core.services import save_versioned
from duban.supervision.choices import PlanStatus
from duban.supervision.models import CheckIn, Plan
from tests.api.base import ApiTestCase
from tests.supervision.factories import PlanFactory

STALE = "保存失败：这条记录在您打开之后已被 刘婷 于 "


def changed_by(obj, user) -> None:
    """Someone else saves ``obj`` meanwhile (its version moves on, its history names them)."""
    obj._history_user = user
    save_versioned(obj, expected_version=obj.version)


class CheckInRecordTests(ApiTestCase):
    def record(self, role, **fields):
        data = {
            "version": self.checkin_a.version,
            "outcome": "partly",
            "findings": "已沟通，缺口 3 人",
        }
        return self.post(role, f"/checkins/{self.checkin_a.pk}/record", {**data, **fields})

    def test_the_supervisor_records_the_result(self):
        response = self.record("supervisor", next_step="周五前补招", channel="phone")
        self.assertEqual(response.status_code, 200, response.content)
        row = response.json()
        self.assertEqual(
            (row["status"], row["outcome"], row["channel"]), ("done", "partly", "phone")
        )
        self.assertEqual(row["version"], self.checkin_a.version + 1)
        checkin = CheckIn.objects.get(pk=self.checkin_a.pk)
        self.assertEqual((checkin.done_by, checkin.next_step), (self.supervisor, "周五前补招"))

    def test_roles_that_may_not_record_are_refused(self):
        for role, status in [
            ("lead_a", 403),
            ("executive", 403),
            ("lead_b", 404),
            ("other_supervisor", 404),
            ("member_a", 404),
        ]:
            with self.subTest(role=role):
                self.assertEqual(self.record(role).status_code, status)
        self.assertEqual(CheckIn.objects.get(pk=self.checkin_a.pk).status, "planned")
        self.assertEqual(self.record("executive").json(), {"detail": "您没有权限执行这个操作。"})

    def test_a_stale_version_is_refused_naming_who_changed_it(self):
        version = self.checkin_a.version
        changed_by(CheckIn.objects.get(pk=self.checkin_a.pk), self.supervisor)
        response = self.record("admin", version=version)
        self.assertEqual(response.status_code, 409)
        self.assertTrue(response.json()["detail"].startswith(STALE), response.json())
        self.assertEqual(CheckIn.objects.get(pk=self.checkin_a.pk).status, "planned")

    def test_a_check_in_already_recorded_is_a_conflict(self):
        self.assertEqual(self.record("supervisor").status_code, 200)
        again = self.record("supervisor", version=self.checkin_a.version + 1)
        self.assertEqual(again.status_code, 409)
        self.assertEqual(again.json(), {"detail": "这条记录的状态已经变化，请刷新页面后再操作。"})

    def test_invalid_input_is_a_422_in_chinese(self):
        for fields, where in [
            ({"outcome": "great"}, "outcome"),
            ({"findings": "   "}, "findings"),
            ({"version": None}, "version"),
            ({"next_milestone_date": "下周"}, "next_milestone_date"),
        ]:
            with self.subTest(fields=fields):
                response = self.record("supervisor", **fields)
                self.assertEqual(response.status_code, 422)
                problem = response.json()["detail"][0]
                self.assertEqual(problem["loc"][-1], where)
                self.assertRegex(problem["msg"], r"[\u4e00-\u9fff]")

    def test_a_body_that_is_not_json_is_refused(self):
        response = self.client.post(
            f"/api/v1/checkins/{self.checkin_a.pk}/record",
            "{not json",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.tokens['supervisor']}",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"detail": "请求内容无法解析，请发送正确的 JSON。"})


class PlanSubmitTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.demanded = PlanFactory(
            matter=cls.cast.matter_a,
            team=cls.cast.team_a,
            lead=cls.cast.lead_a,
            demanded_by=cls.cast.supervisor,
        )

    def submit(self, role, plan=None, **fields):
        plan = plan or self.demanded
        data = {
            "version": plan.version,
            "cause": "两名资深离职",
            "measures": "内推加急招",
            "milestones": [
                {"title": "到岗 2 人", "due_date": "2026-12-15", "owner": self.worker_a.pk},
                {"title": "完成带教", "due_date": "2026-12-31"},
            ],
        }
        return self.post(role, f"/plans/{plan.pk}/submit", {**data, **fields})

    def test_the_teams_lead_submits_a_version_with_its_milestones(self):
        response = self.submit("lead_a")
        self.assertEqual(response.status_code, 200, response.content)
        plan = response.json()
        self.assertEqual(plan["status"], "submitted")
        (version,) = plan["versions"]
        self.assertEqual(version["measures"], "内推加急招")
        milestones = [(m["title"], m["due_date"], m["owner"]) for m in version["milestones"]]
        self.assertEqual(
            milestones,
            [
                ("到岗 2 人", "2026-12-15", {"id": self.worker_a.pk, "name": "小祁"}),
                ("完成带教", "2026-12-31", None),
            ],
        )

    def test_roles_that_may_not_submit_are_refused(self):
        for role, status in [
            ("supervisor", 403),
            ("executive", 403),
            ("admin", 403),
            ("lead_b", 404),
            ("member_a", 404),
        ]:
            with self.subTest(role=role):
                self.assertEqual(self.submit(role).status_code, status)
        self.assertEqual(Plan.objects.get(pk=self.demanded.pk).status, PlanStatus.DEMANDED)
        self.assertEqual(
            self.submit("supervisor").json(), {"detail": "只有该团队的主管可以提交方案。"}
        )

    def test_a_plan_needs_milestones_of_the_teams_staff(self):
        empty = self.submit("lead_a", milestones=[])
        self.assertEqual(empty.status_code, 422)
        self.assertEqual(empty.json()["detail"][0]["msg"], "至少要有 1 项")
        foreign = [{"title": "到岗", "due_date": "2026-12-15", "owner": self.worker_b.pk}]
        refused = self.submit("lead_a", milestones=foreign)
        self.assertEqual(refused.status_code, 422)
        self.assertEqual(refused.json()["detail"][0]["msg"], "负责人须是该团队的在岗员工。")

    def test_a_plan_that_asks_for_a_forecast_needs_one(self):
        Plan.objects.filter(pk=self.demanded.pk).update(requires_forecast=True)
        response = self.submit("lead_a")
        self.assertEqual(response.status_code, 422)
        self.assertIn("风险预判", response.json()["detail"][0]["msg"])
        ok = self.submit("lead_a", forecast="招不到人", fallback="借调二组")
        self.assertEqual(ok.status_code, 200)

    def test_a_stale_version_is_refused(self):
        version = self.demanded.version
        changed_by(Plan.objects.get(pk=self.demanded.pk), self.supervisor)
        response = self.submit("lead_a", version=version)
        self.assertEqual(response.status_code, 409)
        self.assertTrue(response.json()["detail"].startswith(STALE))
        self.assertFalse(Plan.objects.get(pk=self.demanded.pk).versions.exists())

    def test_a_plan_under_review_cannot_be_submitted_again(self):
        response = self.submit("lead_a", plan=self.plan_a)
        self.assertEqual(response.status_code, 409)


class HandoverReceiveTests(ApiTestCase):
    def receive(self, role, version=None):
        version = self.handover_a.version if version is None else version
        return self.post(role, f"/handovers/{self.handover_a.pk}/receive", {"version": version})

    def test_the_receiving_teams_lead_confirms_and_the_resources_move(self):
        response = self.receive("lead_a")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "received")
        self.assertEqual(response.json()["received_by"]["name"], "维盛")
        self.resource_a.refresh_from_db()
        self.assertEqual(self.resource_a.owner, self.worker_a)

    def test_roles_that_may_not_confirm_are_refused(self):
        for role, status in [
            ("executive", 403),
            ("member_a", 403),  # the giver, not the receiver
            ("lead_b", 404),
            ("other_supervisor", 404),
        ]:
            with self.subTest(role=role):
                self.assertEqual(self.receive(role).status_code, status)
        self.handover_a.refresh_from_db()
        self.assertEqual(self.handover_a.status, "planned")

    def test_a_stale_version_is_refused_and_a_received_one_is_a_conflict(self):
        version = self.handover_a.version
        changed_by(self.handover_a, self.supervisor)
        stale = self.receive("lead_a", version=version)
        self.assertEqual(stale.status_code, 409)
        self.assertTrue(stale.json()["detail"].startswith(STALE))
        self.assertEqual(self.receive("lead_a").status_code, 200)
        again = self.receive("lead_a", version=self.handover_a.version + 1)
        self.assertEqual(again.status_code, 409)
        self.assertEqual(again.json(), {"detail": "这条流转的状态已经变化，请刷新页面后再操作。"})

    def test_the_supervisor_of_the_line_may_confirm(self):
        self.assertEqual(self.receive("supervisor").status_code, 200)


class ReadOnlyExecutiveTests(ApiTestCase):
    def test_the_executive_writes_nothing(self):
        writes = [
            (
                f"/checkins/{self.checkin_a.pk}/record",
                {"version": 1, "outcome": "done", "findings": "x"},
            ),
            (
                f"/plans/{self.plan_a.pk}/submit",
                {
                    "version": 1,
                    "cause": "x",
                    "measures": "x",
                    "milestones": [{"title": "x", "due_date": "2026-12-01"}],
                },
            ),
            (f"/handovers/{self.handover_a.pk}/receive", {"version": 1}),
        ]
        for path, data in writes:
            with self.subTest(path=path):
                self.assertEqual(self.post("executive", path, data).status_code, 403)
