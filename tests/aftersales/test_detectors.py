"""Each after-sales detector fires on its condition and stops when it is dealt with; a case
past its resolution deadline escalates through the engine once a level (S-AS-1 … S-AS-4)."""

import datetime as dt

from duban.aftersales import detectors, services
from duban.aftersales.choices import Severity
from duban.aftersales.models import Case, Settings
from duban.notify.models import OutboxMessage
from duban.partners.models import Partner
from duban.supervision.choices import Area, Escalation, RiskLevel, RiskStatus
from duban.supervision.models import Risk
from duban.supervision.registry import DETECTORS
from duban.supervision.tick import escalate, risks_sync
from tests.aftersales.base import AftersalesTestCase, at, frozen, nov

D = dt.date


def keys(signals):
    return [signal.key for signal in signals]


class DetectorTestCase(AftersalesTestCase):
    def risk(self, key, when: dt.datetime) -> Risk:
        """The risk ``key`` after the tick's detectors ran at ``when``."""
        with frozen(when):
            risks_sync(today=when.date())
        return Risk.objects.get(key=key)

    def found(self, func, when: dt.datetime):
        """The signals of ``func`` at ``when`` (the day, and the clock for the deadlines)."""
        with frozen(when):
            return list(func(when.date()))


class RegistrationTests(AftersalesTestCase):
    def test_each_detector_names_its_requirement(self):
        refs = {name: d.seed_ref for name, d in DETECTORS.items() if d.area == Area.AFTERSALES}
        self.assertEqual(
            refs,
            {
                "as_deadline": "S-AS-3",
                "as_stale": "S-AS-2",
                "as_undecided": "S-AS-1",
                "as_table_unreturned": "S-AS-4",
                "as_repeat_partner": "S-AS-2",
            },
        )


class DeadlineTests(DetectorTestCase):
    """A normal case of Monday 2 November, 10:00: answer by Tuesday 10:00, resolve by
    Monday 9, 10:00."""

    def setUp(self):
        self.case = self.register(nov(2, 10))
        self.key = f"as-deadline:team:{self.team_a.pk}"

    def test_S_AS_3_nothing_while_the_deadlines_are_far(self):
        self.assertEqual(self.found(detectors.deadline, nov(2, 11)), [])

    def test_S_AS_3_about_to_breach_the_answer_is_yellow(self):
        (signal,) = self.found(detectors.deadline, nov(3, 8, 30))  # one working hour left
        self.assertEqual(
            (signal.key, signal.level, signal.team_id, signal.line_id),
            (self.key, RiskLevel.YELLOW, self.team_a.pk, self.line_1.pk),
        )
        self.assertEqual(str(signal.title), "电销一组 有 1 个售后案例超时或即将超时")
        self.assertEqual(
            [str(line) for line in signal.evidence],
            ["SH202611-0001 响应期限 11-03 10:00，即将超时"],
        )
        self.assertEqual(signal.items[0].subject, self.case)

    def test_S_AS_3_two_working_hours_before_is_about_to_breach(self):
        """Monday 17:00: one hour left today and one on Tuesday morning."""
        (signal,) = self.found(detectors.deadline, nov(2, 17))
        self.assertEqual(signal.level, RiskLevel.YELLOW)

    def test_S_AS_3_breached_is_red(self):
        (signal,) = self.found(detectors.deadline, nov(3, 10, 30))
        self.assertEqual(signal.level, RiskLevel.RED)
        self.assertEqual(
            [str(line) for line in signal.evidence], ["SH202611-0001 响应期限 11-03 10:00，已超时"]
        )

    def test_S_AS_3_a_day_other_than_today_is_judged_at_its_end(self):
        with frozen(nov(20, 10)):
            (signal,) = detectors.deadline(D(2026, 11, 3))  # a tick run late for Tuesday
        self.assertEqual(signal.level, RiskLevel.RED)
        with frozen(nov(20, 10)):
            (signal,) = detectors.deadline(D(2026, 11, 2))  # at its end, one hour is left
        self.assertEqual(signal.level, RiskLevel.YELLOW)

    def test_S_AS_3_an_answered_case_is_held_to_its_resolution_deadline(self):
        self.step(self.case, nov(2, 11))
        self.assertEqual(self.found(detectors.deadline, nov(3, 10, 30)), [])
        (signal,) = self.found(detectors.deadline, nov(9, 11))
        self.assertEqual(
            [str(line) for line in signal.evidence], ["SH202611-0001 解决期限 11-09 10:00，已超时"]
        )
        self.assertEqual(signal.level, RiskLevel.RED)

    def test_S_AS_3_the_risk_resolves_when_the_case_is_answered_and_resolved(self):
        self.assertEqual(self.risk(self.key, nov(3, 10, 30)).status, RiskStatus.OPEN)
        self.step(self.case, nov(3, 11))
        self.assertEqual(self.risk(self.key, nov(3, 12)).status, RiskStatus.RESOLVED)
        self.assertEqual(self.risk(self.key, nov(9, 11)).status, RiskStatus.OPEN)
        self.resolve(self.case, nov(9, 12))
        self.assertEqual(self.risk(self.key, nov(9, 13)).status, RiskStatus.RESOLVED)

    def test_a_teams_cases_make_one_risk_worst_first(self):
        late = self.case
        soon = self.register(nov(2, 17))  # answer by Tuesday 17:00
        (signal,) = self.found(detectors.deadline, nov(3, 15, 30))
        self.assertEqual(signal.level, RiskLevel.RED)
        self.assertEqual([item.subject for item in signal.items], [late, soon])
        self.assertEqual([item.level for item in signal.items], [RiskLevel.RED, RiskLevel.YELLOW])


class StaleTests(DetectorTestCase):
    """Two working days without a step (the default setting)."""

    def setUp(self):
        self.case = self.register(nov(2, 10))  # its first step, 登记, on Monday
        self.key = f"as-stale:team:{self.team_a.pk}"

    def stale(self, day: int):
        return [
            item.subject for signal in detectors.stale(D(2026, 11, day)) for item in signal.items
        ]

    def test_S_AS_2_a_case_without_a_step_for_two_working_days(self):
        self.assertEqual(self.stale(3), [])
        self.assertEqual(self.stale(4), [self.case])
        signal = next(detectors.stale(D(2026, 11, 4)))
        self.assertEqual((signal.key, signal.level), (self.key, RiskLevel.YELLOW))
        self.assertEqual(str(signal.title), "电销一组 有 1 个售后案例超过 2 个工作日没有进展")
        self.assertEqual(
            [str(line) for line in signal.evidence], ["SH202611-0001 自 2026-11-02 没有处理记录"]
        )

    def test_S_AS_2_the_weekend_does_not_count(self):
        self.step(self.case, nov(6, 16))  # a Friday
        self.assertEqual(self.stale(9), [])
        self.assertEqual(self.stale(10), [self.case])

    def test_S_AS_2_a_step_resolves_the_risk(self):
        self.assertEqual(self.risk(self.key, nov(4, 9)).status, RiskStatus.OPEN)
        self.step(self.case, nov(4, 10))
        self.assertEqual(self.risk(self.key, nov(4, 11)).status, RiskStatus.RESOLVED)

    def test_a_resolved_case_is_not_stale(self):
        self.resolve(self.case, nov(3))
        self.assertEqual(self.stale(20), [])

    def test_the_days_come_from_the_settings(self):
        Settings.objects.update_or_create(pk=1, defaults={"stale_days": 3})
        self.assertEqual(self.stale(4), [])
        self.assertEqual(self.stale(5), [self.case])


class UndecidedTests(DetectorTestCase):
    """Responsibility is decided within three working days of the resolution (default)."""

    def setUp(self):
        self.case = self.register(nov(2, 10))
        self.resolve(self.case, nov(2, 15))
        self.key = f"as-undecided:team:{self.team_a.pk}"

    def undecided(self, day: int):
        return [
            item.subject
            for signal in detectors.undecided(D(2026, 11, day))
            for item in signal.items
        ]

    def test_S_AS_1_resolved_and_undecided_after_three_working_days(self):
        self.assertEqual(self.undecided(4), [])
        self.assertEqual(self.undecided(5), [self.case])
        signal = next(detectors.undecided(D(2026, 11, 5)))
        self.assertEqual(
            [str(line) for line in signal.evidence], ["SH202611-0001 于 2026-11-02 解决，尚未定责"]
        )

    def test_S_AS_1_a_closed_case_still_needs_its_responsibility(self):
        self.move(self.case, "close", nov(3))
        self.assertEqual(self.undecided(5), [self.case])

    def test_S_AS_1_deciding_resolves_the_risk(self):
        self.assertEqual(self.risk(self.key, nov(5, 9)).status, RiskStatus.OPEN)
        self.decide(self.case, nov(5, 10))
        self.assertEqual(self.risk(self.key, nov(5, 11)).status, RiskStatus.RESOLVED)

    def test_a_reopened_case_waits_for_its_new_resolution(self):
        self.move(self.case, "reopen", nov(3))
        self.assertEqual(self.undecided(20), [])


class TableUnreturnedTests(DetectorTestCase):
    """Team A had cases in November; December's 5th working day is Monday 7."""

    def setUp(self):
        self.register(nov(2, 10))
        self.register(nov(30, 23, 30))
        self.key = f"as-table:2026-11:team:{self.team_a.pk}"

    def test_S_AS_4_not_a_risk_until_after_the_fifth_working_day(self):
        for day in [1, 4, 7]:
            with self.subTest(day=day):
                self.assertEqual(keys(detectors.table_unreturned(D(2026, 12, day))), [])
        (signal,) = detectors.table_unreturned(D(2026, 12, 8))
        self.assertEqual(
            (signal.key, signal.level, signal.team_id), (self.key, RiskLevel.YELLOW, self.team_a.pk)
        )
        self.assertEqual(
            str(signal.title), "电销一组 的 2026-11 售后跟踪表没有在第 5 个工作日前返回"
        )

    def test_S_AS_4_a_generated_table_not_returned_is_still_a_risk(self):
        services.table_generate(team=self.team_a, month=D(2026, 11, 1))
        self.assertEqual(keys(detectors.table_unreturned(D(2026, 12, 8))), [self.key])

    def test_S_AS_4_returning_the_table_resolves_the_risk(self):
        self.assertEqual(self.risk(self.key, at(2026, 12, 8, 9)).status, RiskStatus.OPEN)
        table = services.table_generate(team=self.team_a, month=D(2026, 11, 1))
        services.table_return(table=table, by=self.lead_a)
        self.assertEqual(self.risk(self.key, at(2026, 12, 9, 9)).status, RiskStatus.RESOLVED)

    def test_S_AS_4_an_unreturned_table_stays_a_risk_into_the_next_month(self):
        self.assertEqual(self.risk(self.key, at(2026, 12, 31, 9)).status, RiskStatus.OPEN)
        self.assertEqual(self.risk(self.key, at(2027, 1, 4, 9)).status, RiskStatus.OPEN)
        self.assertEqual(self.risk(self.key, at(2027, 1, 12, 9)).status, RiskStatus.OPEN)

    def test_a_team_without_cases_that_month_owes_no_table(self):
        self.register(at(2026, 12, 1, 0, 30), team=self.team_b, by=self.lead_b)
        self.assertEqual(keys(detectors.table_unreturned(D(2026, 12, 8))), [self.key])


class RepeatPartnerTests(DetectorTestCase):
    def setUp(self):
        self.partner = Partner.objects.create(name="乙通信")
        self.key = f"as-repeat:partner:{self.partner.pk}"

    def test_S_AS_2_three_cases_in_thirty_days(self):
        self.register(nov(2), partner=self.partner)
        self.register(nov(10), partner=self.partner)
        self.assertEqual(keys(detectors.repeat_partner(D(2026, 11, 25))), [])
        last = self.register(nov(20), partner=self.partner, team=self.team_b, by=self.lead_b)
        (signal,) = detectors.repeat_partner(D(2026, 11, 25))
        self.assertEqual(
            (signal.key, signal.level, signal.team_id), (self.key, RiskLevel.YELLOW, last.team_id)
        )
        self.assertEqual(str(signal.title), "乙通信 近 30 天有 3 个售后案例")

    def test_S_AS_2_the_risk_resolves_when_the_oldest_leaves_the_window(self):
        for day in [2, 10, 20]:
            self.register(nov(day), partner=self.partner)
        self.assertEqual(self.risk(self.key, nov(25)).status, RiskStatus.OPEN)
        self.assertEqual(self.risk(self.key, at(2026, 12, 3, 9)).status, RiskStatus.RESOLVED)


class EscalationTests(AftersalesTestCase):
    """A normal case of Monday 2 November, 10:00, due resolved by Monday 9, 10:00."""

    def setUp(self):
        self.case = self.register(nov(2, 10))

    def escalation(self) -> tuple:
        case = Case.objects.get(pk=self.case.pk)
        return case.escalation, case.escalated_at

    def recipients(self, level: int) -> set[str]:
        prefix = f"escalate:case:{self.case.pk}:L{level}:"
        return set(
            OutboxMessage.objects.filter(dedupe_key__startswith=prefix).values_list(
                "recipient__username", flat=True
            )
        )

    def test_S_AS_3_not_escalated_on_its_due_day(self):
        escalate(today=D(2026, 11, 9))
        self.assertEqual(self.escalation(), (Escalation.NONE, None))

    def test_S_AS_3_past_its_deadline_it_escalates_to_the_lead_once(self):
        with frozen(nov(10, 8)):
            escalate(today=D(2026, 11, 10))
        self.assertEqual(self.escalation(), (Escalation.LEAD, nov(10, 8)))
        self.assertEqual(self.recipients(1), {"weisheng"})
        messages = OutboxMessage.objects.count()
        with frozen(nov(10, 9)):
            escalate(today=D(2026, 11, 10))
        self.assertEqual(self.escalation(), (Escalation.LEAD, nov(10, 8)))
        self.assertEqual(OutboxMessage.objects.count(), messages)

    def test_S_AS_3_two_working_days_late_it_reaches_the_line(self):
        escalate(today=D(2026, 11, 10))
        with frozen(nov(11, 8)):
            escalate(today=D(2026, 11, 11))
        self.assertEqual(self.escalation(), (Escalation.SUPERVISOR, nov(11, 8)))
        self.assertEqual(self.recipients(2), {"weisheng", "duban", "lingdao"})
        messages = OutboxMessage.objects.count()
        escalate(today=D(2026, 11, 11))
        self.assertEqual(self.escalation(), (Escalation.SUPERVISOR, nov(11, 8)))
        self.assertEqual(OutboxMessage.objects.count(), messages)

    def test_a_resolved_case_does_not_escalate(self):
        self.resolve(self.case, nov(9, 17))
        escalate(today=D(2026, 11, 11))
        self.assertEqual(self.escalation(), (Escalation.NONE, None))

    def test_a_case_of_another_severity_escalates_on_its_own_deadline(self):
        urgent = self.register(nov(6, 17), severity=Severity.URGENT)  # due Monday 9, 17:00
        escalate(today=D(2026, 11, 10))
        self.assertEqual(Case.objects.get(pk=urgent.pk).escalation, Escalation.LEAD)
