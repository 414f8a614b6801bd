"""The case list's filters and export, and the analysis page whose every figure opens exactly
its cases (issue 15: pages, analysis)."""

import io
import re
from html import unescape
from urllib.parse import parse_qsl

from django.urls import reverse
from python_calamine import CalamineWorkbook

from duban.aftersales import selectors
from duban.aftersales.choices import Responsibility, Severity
from duban.aftersales.models import Case
from duban.aftersales.tables import EXPORT_COLUMNS
from duban.partners.models import Partner
from tests.aftersales.base import AftersalesTestCase, at, frozen, nov

LIST = reverse("aftersales:case_list")
NOW = nov(20, 17)


def workbook(response) -> list[list]:
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


class CaseSetMixin:
    """Team A's cases of October and November 2026 (and one of team B):

    - C1 2 Nov, line fault, partner 乙通信, resolved after 2 working hours, back end answers;
    - C2 3 Nov, line fault, partner 乙通信, resolved after 5 working hours, undecided;
    - C3 16 Nov, bill error, urgent, open (its deadline past by 20 Nov);
    - C4 19 Nov, no cause, open (not responded to by 20 Nov 10:00);
    - C5 15 Oct, bill error, resolved after 4 working hours, no fault;
    - B1 10 Nov, team B, line fault, open.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.often = Partner.objects.create(name="乙通信")
        cls.c1 = cls.register(nov(2, 10), cause=cls.cause_line, partner=cls.often)
        cls.c2 = cls.register(nov(3, 10), cause=cls.cause_line, partner=cls.often)
        cls.c3 = cls.register(nov(16, 10), cause=cls.cause_bill, severity=Severity.URGENT)
        cls.c4 = cls.register(nov(19, 10))
        cls.c5 = cls.register(at(2026, 10, 15, 10), cause=cls.cause_bill)
        cls.b1 = cls.register(nov(10), team=cls.team_b, by=cls.lead_b, cause=cls.cause_line)
        for case, resolved, decided in [
            (cls.c1, nov(2, 12), Responsibility.BACK),
            (cls.c2, nov(3, 15), None),
            (cls.c5, at(2026, 10, 15, 14), Responsibility.NONE),
        ]:
            case = cls.resolve(case, resolved)
            if decided:
                cls.decide(case, resolved, decided)

    def listed(self, **params) -> set[str]:
        with frozen(NOW):
            response = self.client.get(LIST, params)
        self.assertEqual(response.status_code, 200)
        return {case.number for case in response.context["table"].data}


class CaseListTests(CaseSetMixin, AftersalesTestCase):
    def setUp(self):
        self.client.force_login(self.supervisor)
        self.n = {case: case.number for case in [self.c1, self.c2, self.c3, self.c4, self.c5]}
        self.n["b1"] = self.b1.number

    def numbers(self, *cases) -> set[str]:
        return {case.number for case in cases}

    def test_each_filter_narrows_to_its_cases(self):
        cases = {
            "status=open": ({"status": "open"}, [self.c3, self.c4, self.b1]),
            "severity": ({"severity": "urgent"}, [self.c3]),
            "team": ({"team": self.team_b.pk}, [self.b1]),
            "cause": ({"cause": self.cause_line.pk}, [self.c1, self.c2, self.b1]),
            "no cause": ({"cause": "null"}, [self.c4]),
            "responsibility": ({"responsibility": "back"}, [self.c1]),
            "undecided": ({"responsibility": "undecided"}, [self.c2]),
            "breach": ({"breach": "true"}, [self.c3, self.c4, self.b1]),
            "partner": ({"partner": self.often.pk}, [self.c1, self.c2]),
            "month": ({"month": "2026-10"}, [self.c5]),
            "days": ({"days": "7"}, [self.c3, self.c4]),
            "resolved": ({"resolved": "true"}, [self.c1, self.c2, self.c5]),
            "search": ({"q": self.c3.number}, [self.c3]),
            "together": (
                {"month": "2026-11", "cause": self.cause_line.pk, "team": self.team_a.pk},
                [self.c1, self.c2],
            ),
        }
        for name, (params, expected) in cases.items():
            with self.subTest(name):
                self.assertEqual(self.listed(**params), self.numbers(*expected))

    def test_nonsense_parameters_are_ignored_and_said_not_a_crash(self):
        everything = self.listed()
        for params in [
            {"month": "2026-13"},
            {"month": "x"},
            {"days": "abc"},
            {"days": "100000"},
            {"team": "999999"},
            {"partner": "x"},
            {"status": "zzz"},
            {"breach": "maybe"},
            {"cause": "-1"},
            {"page": "99999"},
        ]:
            with self.subTest(params):
                self.assertEqual(self.listed(**params), everything)

    def test_a_hidden_condition_is_said_and_can_be_dropped(self):
        with frozen(NOW):
            page = self.client.get(LIST, {"partner": self.often.pk, "month": "2026-11"})
        self.assertContains(page, "乙通信")
        terms = page.context["filter"].hidden_terms()
        self.assertEqual([shown for _label, shown, _url in terms], ["乙通信", "2026-11"])
        without_partner = terms[0][2]
        self.assertNotIn("partner", without_partner)
        self.assertIn("month=2026-11", without_partner)

    def test_the_export_is_the_filtered_register_in_the_import_s_format(self):
        with frozen(NOW):
            response = self.client.get(LIST, {"cause": self.cause_line.pk, "export": "xlsx"})
        rows = workbook(response)
        self.assertEqual(rows[0], [column.header for column in EXPORT_COLUMNS])
        self.assertEqual(
            [row[0] for row in rows[1:]], [self.c1.number, self.c2.number, self.b1.number]
        )

    def test_the_lead_of_team_b_exports_nothing_of_team_a(self):
        self.client.force_login(self.lead_b)
        with frozen(NOW):
            rows = workbook(self.client.get(LIST, {"export": "xlsx"}))
        self.assertEqual([row[0] for row in rows[1:]], [self.b1.number])

    def test_a_member_sees_and_exports_only_the_cases_they_handle(self):
        self.client.force_login(self.member_a)
        self.assertEqual(self.listed(), set())
        with frozen(NOW):
            rows = workbook(self.client.get(LIST, {"export": "xlsx"}))
        self.assertEqual(len(rows), 1)


class ResolveTrendTests(CaseSetMixin, AftersalesTestCase):
    def test_S_AS_3_the_trend_counts_each_month_s_cases_and_percentiles(self):
        trend = selectors.resolve_trend(Case.objects.filter(team=self.team_a), nov(1).date(), 3)
        self.assertEqual(
            [(f"{r['month']:%Y-%m}", r["n"], r["resolved"], r["p50"], r["p90"]) for r in trend],
            [("2026-09", 0, 0, None, None), ("2026-10", 1, 1, 4, 4), ("2026-11", 4, 2, 2, 5)],
        )

    def test_a_december_trend_crosses_the_year(self):
        trend = selectors.resolve_trend(Case.objects.none(), at(2027, 1, 1).date(), 3)
        self.assertEqual([f"{r['month']:%Y-%m}" for r in trend], ["2026-11", "2026-12", "2027-01"])


class AnalysisOpensItsCasesTests(CaseSetMixin, AftersalesTestCase):
    """Every number on the analysis page is a link; following it lists exactly that many
    cases."""

    def links_and_figures(self, page) -> list[tuple[str, int]]:
        html = page.content.decode()
        found = re.findall(r'<a href="(/aftersales/\?[^"]*)">(\d+)</a>', html)
        return [(unescape(url), int(n)) for url, n in found]

    def test_every_figure_opens_as_many_cases_as_it_says(self):
        for user in [self.supervisor, self.lead_a, self.executive]:
            self.client.force_login(user)
            with frozen(NOW):
                page = self.client.get(reverse("aftersales:analysis"), {"month": "2026-11"})
            found = self.links_and_figures(page)
            self.assertGreaterEqual(len(found), 10)
            for url, n in found:
                with self.subTest(user=user.username, url=url), frozen(NOW):
                    listed = self.client.get(url).context["table"].data
                    self.assertEqual(len(listed), n)

    def test_S_AS_3_the_month_s_figures(self):
        self.client.force_login(self.supervisor)
        with frozen(NOW):
            page = self.client.get(reverse("aftersales:analysis"), {"month": "2026-11"})
        pareto = [(cause, n, share) for cause, n, share, _url in page.context["pareto"]]
        self.assertEqual(pareto, [("线路故障", 3, 60), ("账单错误", 1, 80), ("", 1, 100)])
        times = [
            (team, row["n"], row["p50"], row["p90"]) for team, _s, row, _u in page.context["times"]
        ]
        self.assertEqual(times, [("电销一组", 2, 2, 5)])
        self.assertEqual([(label, n) for label, n, _url in page.context["split"]], [("后端", 1)])
        self.assertEqual(page.context["undecided"][0], 1)
        self.assertEqual([(name, n) for name, n, _url in page.context["repeats"]], [("乙通信", 2)])

    def test_the_lead_of_team_b_sees_only_its_figures(self):
        self.client.force_login(self.lead_b)
        with frozen(NOW):
            page = self.client.get(reverse("aftersales:analysis"), {"month": "2026-11"})
        self.assertEqual([n for _c, n, _s, _u in page.context["pareto"]], [1])
        self.assertEqual(page.context["repeats"], [])

    def test_a_member_may_not_open_the_analysis(self):
        self.client.force_login(self.member_a)
        self.assertEqual(self.client.get(reverse("aftersales:analysis")).status_code, 403)


class PartnerPageTests(CaseSetMixin, AftersalesTestCase):
    def test_the_partner_page_counts_its_cases_and_each_count_opens_them(self):
        self.client.force_login(self.lead_a)
        with frozen(NOW):
            page = self.client.get(reverse("partners:partner_detail", args=[self.often.pk]))
        self.assertContains(page, self.c1.number)
        counts = {}
        for _section, context in page.context["sections"]:
            counts = {str(label): (n, url) for label, n, url in context.get("counts", [])}
        self.assertEqual(
            {label: n for label, (n, _u) in counts.items()}, {"全部": 2, "未解决": 0, "近 30 天": 2}
        )
        for n, url in counts.values():
            self.assertEqual(len(self.listed(**dict(parse_qsl(url.split("?")[1])))), n)

    def test_a_lead_whose_teams_have_no_case_of_the_partner_does_not_see_it(self):
        self.client.force_login(self.lead_b)
        page = self.client.get(reverse("partners:partner_detail", args=[self.often.pk]))
        self.assertEqual(page.status_code, 404)


class HiddenErrorTests(AftersalesTestCase):
    def test_a_hidden_condition_that_is_nonsense_is_said(self):
        self.client.force_login(self.supervisor)
        page = self.client.get(LIST, {"month": "2026-13"})
        self.assertTrue("月份请写成 2026-10 的样子（这个条件没有用上）" in page.content.decode())


class AnalysisMonthTests(CaseSetMixin, AftersalesTestCase):
    def test_early_in_a_month_without_cases_the_analysis_shows_the_last_month(self):
        self.client.force_login(self.supervisor)
        with frozen(at(2026, 12, 1, 9)):
            page = self.client.get(reverse("aftersales:analysis"))
            self.assertEqual(f"{page.context['month']:%Y-%m}", "2026-11")
            chosen = self.client.get(reverse("aftersales:analysis"), {"month": "2026-12"})
            self.assertEqual(f"{chosen.context['month']:%Y-%m}", "2026-12")
