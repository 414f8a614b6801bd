"""Every list exports what this user sees, filtered, with dates and labels (issue 4)."""

import datetime as dt
import io

from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.base import BaseTestCase


def rows(response):
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


class ListExportTests(BaseTestCase):
    def test_employees_export_with_typed_dates_and_chinese_labels(self):
        self.client.force_login(self.supervisor)
        table = rows(
            self.client.get(
                reverse("org:employee_list"), {"team": self.team_a.pk, "export": "xlsx"}
            )
        )
        self.assertEqual(table[0][:4], ["姓名", "团队", "岗位", "状态"])
        first = dict(zip(table[0], table[1], strict=False))
        self.assertEqual(first["状态"], "在职")
        self.assertEqual(first["入职日期"], dt.date(2025, 3, 1))
        self.assertEqual(len(table) - 1, 3)  # every row of the filter, not a page

    def test_the_lead_of_team_b_exports_nothing_of_team_a(self):
        self.client.force_login(self.lead_b)
        for name in [
            "org:employee_list",
            "supervision:checkin_list",
            "supervision:matter_list",
            "supervision:risk_list",
        ]:
            with self.subTest(name=name):
                table = rows(self.client.get(reverse(name), {"export": "xlsx"}))
                text = str(table)
                self.assertNotIn("电销一组", text)
                self.assertNotIn("小祁", text)

    def test_the_list_offers_the_export_of_its_filter(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(
            reverse("supervision:matter_list"), {"status": "open", "page": 2}
        )
        self.assertContains(response, "?status=open&amp;export=xlsx")
