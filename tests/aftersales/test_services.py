"""The after-sales workflows: registering, moving and following a case, deciding who answers
for it, the twice-weekly review and the monthly tracking table (S-AS-1 … S-AS-4)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError

from duban.aftersales import selectors, services
from duban.aftersales.choices import CaseStatus, Responsibility, Severity
from duban.aftersales.models import Case, MonthlyTable
from duban.core.transitions import TransitionError
from duban.supervision.choices import Area, CheckInStatus, Outcome, ScopeKind
from duban.supervision.models import CheckIn
from tests.aftersales.base import AftersalesTestCase, at, frozen, nov
from tests.factories import TeamFactory
from tests.supervision.factories import CheckInFactory, RuleFactory


class RegisterTests(AftersalesTestCase):
    def test_S_AS_1_a_lead_registers_a_case_of_their_team(self):
        case = self.register(
            nov(2, 10), handler=self.worker_a, cause=self.cause_line, severity=Severity.HIGH
        )
        case = self.fetched(case)
        self.assertEqual(
            (case.team, case.lead, case.handler, case.status, case.cause),
            (self.team_a, self.lead_a, self.worker_a, CaseStatus.NEW, self.cause_line),
        )
        self.assertIsNone(case.responded_at)
        self.assertEqual(list(case.steps.values_list("by", "what")), [(self.lead_a.pk, "登记")])

    def test_S_AS_1_cases_are_numbered_by_month_of_report(self):
        numbers = [
            self.register(nov(2)).number,
            self.register(nov(3)).number,
            self.register(at(2026, 12, 1, 0, 30)).number,  # 30 November 16:30 in UTC
        ]
        self.assertEqual(numbers, ["SH202611-0001", "SH202611-0002", "SH202612-0001"])

    def test_S_AS_1_a_deleted_cases_number_is_not_given_again(self):
        """An admin may delete a case registered by mistake; the month's next number is
        still free."""
        first, second = self.register(nov(2)), self.register(nov(3))
        first.delete()
        third = self.register(nov(4))
        self.assertNotEqual(third.number, second.number)
        self.assertEqual(Case.objects.filter(number=third.number).count(), 1)

    def test_a_handler_of_another_team_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "处理人须是本团队的员工"):
            self.register(handler=self.worker_b)
        self.assertFalse(Case.objects.exists())

    def test_a_team_with_no_lead_is_refused(self):
        leaderless = TeamFactory(name="电销三组", line=self.line_1)
        with self.assertRaisesMessage(ValidationError, "这个团队还没有主管"):
            self.register(team=leaderless, by=self.supervisor)
        self.assertFalse(Case.objects.exists())

    def test_the_lead_of_another_team_may_not_register_for_team_a(self):
        for user in [self.lead_b, self.other_supervisor, self.executive, self.member_a]:
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.register(by=user)
        self.assertFalse(Case.objects.exists())

    def test_the_supervisor_of_the_line_registers_for_the_teams_lead(self):
        case = self.register(by=self.supervisor)
        self.assertEqual(case.lead, self.lead_a)


class MoveTests(AftersalesTestCase):
    def setUp(self):
        self.case = self.register(nov(2, 10))

    def test_S_AS_1_a_case_goes_from_new_to_closed(self):
        self.move(self.case, "accept", nov(2, 11))
        self.assertEqual(
            (self.case.status, self.fetched(self.case).responded_at),
            (CaseStatus.ACCEPTED, nov(2, 11)),
        )
        self.move(self.case, "start", nov(2, 14))
        self.assertEqual(self.case.status, CaseStatus.IN_PROGRESS)
        self.resolve(self.case, nov(3, 15), resolution="更换线路")
        case = self.fetched(self.case)
        self.assertEqual(
            (case.status, case.resolution, case.confirmed, case.resolved_at),
            (CaseStatus.RESOLVED, "更换线路", True, nov(3, 15)),
        )
        self.move(self.case, "close", nov(4, 10))
        case = self.fetched(self.case)
        self.assertEqual((case.status, case.closed_at), (CaseStatus.CLOSED, nov(4, 10)))
        self.assertEqual(
            list(case.steps.values_list("what", flat=True)),
            ["登记", "已受理", "处理中", "已解决：更换线路", "已关闭"],
        )

    def test_S_AS_1_a_resolution_is_required(self):
        with self.assertRaisesMessage(ValidationError, "请写明处理结果"):
            self.resolve(self.case, nov(3), resolution="  ")
        self.assertEqual(self.fetched(self.case).status, CaseStatus.NEW)

    def test_resolving_answers_a_case_nobody_answered(self):
        self.resolve(self.case, nov(2, 15))
        self.assertEqual(self.fetched(self.case).responded_at, nov(2, 15))

    def test_accepting_again_keeps_the_first_answer(self):
        self.move(self.case, "accept", nov(2, 11))
        self.resolve(self.case, nov(3))
        self.move(self.case, "reopen", nov(4))
        self.move(self.case, "accept", nov(5))
        self.assertEqual(self.fetched(self.case).responded_at, nov(2, 11))

    def test_S_AS_1_reopening_clears_the_resolution_and_closing(self):
        self.resolve(self.case, nov(3))
        self.move(self.case, "close", nov(4))
        self.move(self.case, "reopen", nov(5))
        case = self.fetched(self.case)
        self.assertEqual(
            (case.status, case.resolved_at, case.closed_at, case.confirmed),
            (CaseStatus.REOPENED, None, None, False),
        )
        self.move(self.case, "start", nov(5, 11))
        self.assertEqual(self.case.status, CaseStatus.IN_PROGRESS)

    def test_a_move_from_the_wrong_status_is_refused(self):
        with self.assertRaises(TransitionError):
            self.move(self.case, "close", nov(3))
        with self.assertRaises(TransitionError):
            self.move(self.case, "reopen", nov(3))
        self.assertEqual(self.fetched(self.case).status, CaseStatus.NEW)

    def test_a_stale_move_is_refused(self):
        other_page = self.fetched(self.case)
        self.move(self.case, "accept", nov(2, 11))
        with self.assertRaisesMessage(TransitionError, "状态已经变化"):
            self.move(other_page, "accept", nov(2, 12), by=self.supervisor)
        self.assertEqual(self.fetched(self.case).responded_at, nov(2, 11))

    def test_moving_bumps_the_version(self):
        version = self.case.version
        self.move(self.case, "accept", nov(2, 11))
        self.assertEqual(self.fetched(self.case).version, version + 1)

    def test_others_may_not_move_team_as_case(self):
        for user in [self.lead_b, self.other_supervisor, self.executive, self.member_a]:
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.move(self.case, "accept", nov(2, 11), by=user)
        self.assertEqual(self.fetched(self.case).status, CaseStatus.NEW)


class StepTests(AftersalesTestCase):
    def setUp(self):
        self.case = self.register(nov(2, 10))

    def test_S_AS_1_the_first_step_answers_the_case(self):
        self.step(self.case, nov(2, 11), "已联系客户")
        self.step(self.case, nov(3, 9), "安排上门")
        case = self.fetched(self.case)
        self.assertEqual(case.responded_at, nov(2, 11))
        self.assertEqual(case.status, CaseStatus.NEW)
        self.assertEqual(
            list(case.steps.values_list("what", "at")),
            [("登记", nov(2, 10)), ("已联系客户", nov(2, 11)), ("安排上门", nov(3, 9))],
        )

    def test_a_step_says_what_was_done(self):
        with self.assertRaisesMessage(ValidationError, "请写明处理过程"):
            self.step(self.case, nov(2, 11), " ")

    def test_no_step_on_a_resolved_case(self):
        self.resolve(self.case, nov(3))
        with self.assertRaisesMessage(ValidationError, "请先重新打开"):
            self.step(self.case, nov(4))

    def test_the_lead_of_team_b_may_not_record_a_step(self):
        with self.assertRaises(PermissionDenied):
            self.step(self.case, nov(2, 11), by=self.lead_b)
        self.assertEqual(self.case.steps.count(), 1)


class ResponsibilityTests(AftersalesTestCase):
    def setUp(self):
        self.case = self.register(nov(2, 10))
        self.resolve(self.case, nov(3))

    def test_S_AS_1_the_supervisor_of_the_line_decides(self):
        with frozen(nov(4, 16)):
            services.responsibility_decide(
                case=self.case,
                by=self.supervisor,
                responsibility=Responsibility.PARTNER,
                person=" 某运营商 ",
                disputed=True,
            )
        case = self.fetched(self.case)
        self.assertEqual(
            (
                case.responsibility,
                case.responsible_person,
                case.disputed,
                case.decided_by,
                case.decided_at,
            ),
            (Responsibility.PARTNER, "某运营商", True, self.supervisor, nov(4, 16)),
        )

    def test_an_admin_decides_too(self):
        services.responsibility_decide(
            case=self.case, by=self.admin, responsibility=Responsibility.NONE
        )
        self.assertEqual(self.fetched(self.case).decided_by, self.admin)

    def test_S_AS_1_only_the_supervisors_of_the_line_decide(self):
        for user in [self.lead_a, self.lead_b, self.other_supervisor, self.executive]:
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.responsibility_decide(
                    case=self.case, by=user, responsibility=Responsibility.FRONT
                )
        self.assertEqual(self.fetched(self.case).responsibility, "")

    def test_a_responsibility_is_required(self):
        with self.assertRaisesMessage(ValidationError, "请选择责任方"):
            services.responsibility_decide(case=self.case, by=self.supervisor, responsibility="")


class ReviewTests(AftersalesTestCase):
    """Team A has a planned after-sales check-in on Thursday 5 November."""

    def setUp(self):
        self.rule = RuleFactory(
            area=Area.AFTERSALES, scope=ScopeKind.TEAM, team=self.team_a, owner=self.supervisor
        )
        self.checkin = CheckInFactory(
            rule=self.rule,
            area=Area.AFTERSALES,
            team=self.team_a,
            lead=self.lead_a,
            owner=self.supervisor,
            date=dt.date(2026, 11, 5),
        )
        self.case = self.register(nov(3))

    def review(self, by=None, held_on=dt.date(2026, 11, 5), team=None):
        return services.review_record(
            by=by or self.supervisor,
            team=team or self.team_a,
            held_on=held_on,
            asked="周五前回访全部新案例",
            cases=[self.case],
        )

    def test_S_AS_2_recording_the_review_completes_the_days_check_in(self):
        review = self.review()
        self.assertEqual(list(review.cases.all()), [self.case])
        self.checkin.refresh_from_db()
        self.assertEqual(
            (self.checkin.status, self.checkin.outcome, self.checkin.findings),
            (CheckInStatus.DONE, Outcome.DONE, "周五前回访全部新案例"),
        )

    def test_a_review_of_another_day_or_team_leaves_the_check_in(self):
        self.review(held_on=dt.date(2026, 11, 6))
        self.review(team=self.team_b)
        self.checkin.refresh_from_db()
        self.assertEqual(self.checkin.status, CheckInStatus.PLANNED)

    def test_a_check_in_of_another_area_is_left(self):
        other = CheckInFactory(
            rule=self.rule_a, team=self.team_a, lead=self.lead_a, date=dt.date(2026, 11, 5)
        )
        self.review()
        self.assertEqual(CheckIn.objects.get(pk=other.pk).status, CheckInStatus.PLANNED)

    def test_S_AS_2_a_lead_may_not_record_a_review(self):
        for user in [self.lead_a, self.other_supervisor, self.executive]:
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.review(by=user)
        self.checkin.refresh_from_db()
        self.assertEqual(self.checkin.status, CheckInStatus.PLANNED)

    def test_the_review_says_what_was_asked_of_the_lead(self):
        with self.assertRaisesMessage(ValidationError, "请写明对主管的要求"):
            services.review_record(
                by=self.supervisor,
                team=self.team_a,
                held_on=dt.date(2026, 11, 5),
                asked=" ",
                cases=[],
            )


class MonthlyTableTests(AftersalesTestCase):
    """November 2026 of team A: three cases, one resolved in 23 working hours; cases of
    another month or team stay out."""

    def setUp(self):
        self.first = self.register(nov(2, 10), cause=self.cause_line)
        self.resolve(self.first, nov(4, 15))
        self.second = self.register(nov(16, 9), severity=Severity.HIGH, cause=self.cause_bill)
        self.third = self.register(at(2026, 11, 30, 23, 30))  # 15:30 in UTC
        self.register(at(2026, 10, 30, 10))
        self.register(at(2026, 12, 1, 0, 30))  # 30 November 16:30 in UTC
        self.register(nov(3), team=self.team_b, by=self.lead_b)

    def generate(self):
        return services.table_generate(team=self.team_a, month=dt.date(2026, 11, 18))

    def test_S_AS_4_the_table_has_the_months_cases_in_order(self):
        table = self.generate()
        self.assertEqual(table.month, dt.date(2026, 11, 1))
        self.assertEqual(
            [row["number"] for row in table.rows],
            [self.first.number, self.second.number, self.third.number],
        )
        self.assertEqual(
            [(row["cause"], row["status"]) for row in table.rows],
            [("线路故障", "resolved"), ("账单错误", "new"), ("", "new")],
        )
        self.assertEqual(table.rows[2]["reported"], "2026-11-30 23:30")

    def test_S_AS_4_the_tables_hours_equal_the_cases(self):
        table = self.generate()
        self.assertEqual([row["hours"] for row in table.rows], [23, None, None])
        self.assertEqual(
            [row["hours"] for row in table.rows],
            [
                selectors.clock(case)["hours_to_resolve"]
                for case in [self.first, self.second, self.third]
            ],
        )

    def test_S_AS_4_generated_again_while_not_returned(self):
        table = self.generate()
        self.register(nov(20))
        self.assertEqual(len(self.generate().rows), 4)
        self.assertEqual(MonthlyTable.objects.get().pk, table.pk)

    def test_S_AS_4_a_returned_table_is_not_generated_again(self):
        table = self.generate()
        with frozen(at(2026, 12, 3, 10)):
            services.table_return(table=table, by=self.lead_a, corrections=" 第2行原因应为线路 ")
        self.register(nov(20))
        self.resolve(self.second, nov(20, 11))
        again = self.generate()
        self.assertEqual(again.pk, table.pk)
        self.assertEqual(len(again.rows), 3)
        self.assertEqual(again.rows[1]["status"], "new")
        self.assertEqual(
            (again.returned_by, again.returned_at, again.corrections),
            (self.lead_a, at(2026, 12, 3, 10), "第2行原因应为线路"),
        )

    def test_S_AS_4_a_table_is_returned_once(self):
        table = self.generate()
        services.table_return(table=table, by=self.lead_a)
        with self.assertRaisesMessage(ValidationError, "这张表已经返回"):
            services.table_return(table=table, by=self.lead_a)

    def test_the_lead_of_team_b_may_not_return_team_as_table(self):
        table = self.generate()
        with self.assertRaises(PermissionDenied):
            services.table_return(table=table, by=self.lead_b)
        table.refresh_from_db()
        self.assertIsNone(table.returned_at)
