"""Monthly talks and their coverage, the best employee, relation notes (S-HR-5/6/7)."""

import datetime as dt

from django.core.exceptions import ValidationError

from duban.people import detectors, selectors, services
from duban.people.choices import EmployeeState, NoteKind, Sentiment
from tests.base import BaseTestCase

TODAY = dt.date(2026, 12, 1)


class TalkTests(BaseTestCase):
    def talk(self, person, day):
        return services.talk_record(
            by=self.lead_a, employee=person, held_on=day, state=EmployeeState.GOOD
        )

    def test_S_HR_5_coverage_counts_everyone_but_the_lead_and_people_on_long_leave(self):
        row = selectors.talk_coverage([self.team_a], dt.date(2026, 11, 1))[0]
        self.assertEqual(sorted(p.name for p in row.due), ["小祁", "横洲"])
        self.assertEqual(row.percent, 0)
        self.talk(self.worker_a, dt.date(2026, 11, 18))
        row = selectors.talk_coverage([self.team_a], dt.date(2026, 11, 1))[0]
        self.assertEqual(([p.name for p in row.missing], row.percent), (["横洲"], 50))
        with self.assertRaises(ValidationError):  # once a month
            self.talk(self.worker_a, dt.date(2026, 11, 28))

    def test_S_HR_5_talks_missing_last_month_are_red_this_month(self):
        key = f"hr-talks:2026-11:team:{self.team_a.pk}"
        signals = {s.key: s for s in detectors.talks_missing(TODAY)}
        self.assertEqual(signals[key].level, "red")
        self.talk(self.worker_a, dt.date(2026, 11, 18))
        self.talk(self.member_a_employee, dt.date(2026, 11, 19))
        self.assertNotIn(key, {s.key for s in detectors.talks_missing(TODAY)})

    def test_talks_still_due_show_on_the_month_s_last_working_days_only(self):
        key = f"hr-talks:2026-12:team:{self.team_a.pk}"
        self.assertNotIn(key, {s.key for s in detectors.talks_missing(dt.date(2026, 12, 15))})
        self.assertIn(key, {s.key for s in detectors.talks_missing(dt.date(2026, 12, 29))})

    def test_S_HR_6_the_best_employee_not_chosen_by_the_10th(self):
        key = f"hr-best:2026-11:team:{self.team_a.pk}"
        self.assertNotIn(key, {s.key for s in detectors.best_employee_late(dt.date(2026, 12, 10))})
        self.assertIn(key, {s.key for s in detectors.best_employee_late(dt.date(2026, 12, 11))})
        services.best_employee_record(
            by=self.lead_a,
            team=self.team_a,
            month=dt.date(2026, 11, 5),
            criteria="成交额",
            candidates=[self.worker_a],
            winner=self.member_a_employee,
            announced_on=dt.date(2026, 12, 11),
        )
        self.assertNotIn(key, {s.key for s in detectors.best_employee_late(dt.date(2026, 12, 11))})

    def test_a_best_employee_from_another_team_is_refused(self):
        with self.assertRaises(ValidationError):
            services.best_employee_record(
                by=self.supervisor,
                team=self.team_a,
                month=TODAY,
                criteria="x",
                candidates=[],
                winner=self.worker_b,
                announced_on=TODAY,
            )

    def test_S_HR_7_concerns_no_talk_and_a_leave_after_a_concern_remind_the_lead(self):
        key = f"hr-relations:team:{self.team_a.pk}"
        for day in (dt.date(2026, 11, 20), dt.date(2026, 11, 27)):
            services.note_record(
                by=self.lead_a,
                employee=self.worker_a,
                noted_on=day,
                kind=NoteKind.REPORTING,
                sentiment=Sentiment.CONCERN,
                note="汇报不及时",
            )
        signal = next(s for s in detectors.relations(TODAY) if s.key == key)
        labels = [str(item.label) for item in signal.items]
        self.assertTrue(any("小祁 近 30 天有 2 条隐患记录" in label for label in labels), labels)
        self.assertTrue(any("已两个月没有绩效谈话" in label for label in labels), labels)
        services.change_record(
            by=self.lead_a,
            today=TODAY,
            kind="leave",
            employee=self.worker_a,
            reason="lead",
            date=TODAY,
        )
        signal = next(s for s in detectors.relations(TODAY) if s.key == key)
        self.assertTrue(any("离职" in str(item.label) for item in signal.items))
