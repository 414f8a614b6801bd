"""The resource pages for each role: numbers masked but for the owner, their lead and admins;
nothing of another team in lists, exports or counts (issue 11)."""

import datetime as dt
import io

from django.urls import reverse
from python_calamine import CalamineWorkbook

from duban.core.models import ExportLog
from duban.resources.choices import HandoverStatus
from duban.resources.models import Handover, Resource
from tests.base import BaseTestCase
from tests.factories import UserFactory

FULL_A, MASKED_A = "13812345678", "138****5678"
FULL_B = "13900001111"


def sheet(response) -> list[list]:
    data = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


class MaskingTests(BaseTestCase):
    def page(self, user, name="resources:resource_list", **params):
        self.client.force_login(user)
        return self.client.get(reverse(name), params)

    def test_who_sees_team_as_numbers_in_full_on_the_list(self):
        for user, expected in [
            (self.admin, FULL_A),
            (self.lead_a, FULL_A),
            (self.member_a, FULL_A),  # the owner
            (self.supervisor, MASKED_A),
            (self.executive, MASKED_A),
        ]:
            with self.subTest(user=user.username):
                content = self.page(user).content.decode()
                self.assertIn(expected, content)
                if expected == MASKED_A:
                    self.assertNotIn(FULL_A, content)

    def test_masked_on_the_resource_page_and_in_its_history(self):
        self.resource_a.phone = "13812340000"
        self.resource_a.version += 1
        self.resource_a.save()
        self.client.force_login(self.supervisor)
        content = self.client.get(self.resource_a.get_absolute_url()).content.decode()
        self.assertIn("138****0000", content)
        self.assertNotIn("13812340000", content)
        self.assertNotIn(FULL_A, content)  # the old number in the history too
        self.client.force_login(self.lead_a)
        content = self.client.get(self.resource_a.get_absolute_url()).content.decode()
        self.assertIn("13812340000", content)

    def test_a_lead_of_team_b_sees_nothing_of_team_a(self):
        self.client.force_login(self.lead_b)
        self.assertEqual(self.client.get(self.resource_a.get_absolute_url()).status_code, 404)
        content = self.page(self.lead_b).content.decode()
        self.assertNotIn("5678", content)
        self.assertIn(FULL_B, content)  # their own team's, in full
        for full in ("", "1"):
            rows = sheet(self.page(self.lead_b, export="xlsx", full=full))
            cells = [str(cell) for row in rows for cell in row]
            self.assertEqual(len(rows), 2)  # the header and their one resource
            self.assertFalse([c for c in cells if "5678" in c or "张先生" in c])
        content = self.page(self.lead_b, "resources:cover").content.decode()
        self.assertNotIn(self.team_a.name, content)

    def test_a_member_sees_only_what_they_hold(self):
        content = self.page(self.member_a).content.decode()
        self.assertIn("张先生", content)
        self.assertNotIn("李女士", content)

    def test_the_export_is_masked_unless_full_is_asked_and_then_it_is_logged(self):
        rows = sheet(self.page(self.lead_a, export="xlsx"))
        self.assertEqual(rows[1][3], MASKED_A)
        self.assertFalse(ExportLog.objects.exists())
        rows = sheet(self.page(self.lead_a, export="xlsx", full="1", status="new"))
        self.assertEqual(rows[1][3], FULL_A)
        log = ExportLog.objects.get()
        self.assertEqual((log.user, log.rows, log.full_rows), (self.lead_a, 1, 1))
        self.assertEqual(log.query, "status=new")

    def test_a_supervisor_asking_for_full_numbers_still_gets_them_masked(self):
        rows = sheet(self.page(self.supervisor, export="xlsx", full="1"))
        cells = [str(cell) for row in rows for cell in row]
        self.assertIn(MASKED_A, cells)
        self.assertNotIn(FULL_A, cells)
        self.assertFalse(ExportLog.objects.exists())


class ListTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Resource.objects.bulk_create(
            Resource(phone=f"1370000{i:04d}", team=cls.team_a, owner=cls.worker_a)
            for i in range(60)
        )

    def setUp(self):
        self.client.force_login(self.lead_a)

    def test_keyset_pages_without_counting(self):
        url = reverse("resources:resource_list")
        first = self.client.get(url)
        self.assertEqual(len(first.context["rows"]), 50)
        after = first.context["page"].after
        second = self.client.get(url, {"after": after})
        self.assertEqual(len(second.context["rows"]), 11)  # 60 + resource_a - 50
        self.assertIsNone(second.context["page"].after)
        shown = {r.pk for r, _phone in first.context["rows"]} | {
            r.pk for r, _phone in second.context["rows"]
        }
        self.assertEqual(len(shown), 61)

    def test_a_supervisors_teams_are_paged_each_by_its_index_and_merged_newest_first(self):
        self.client.force_login(self.supervisor)  # teams A (61 resources) and B (1)
        Resource.objects.create(phone="13900002222", team=self.team_b, owner=self.worker_b)
        url = reverse("resources:resource_list")
        first = self.client.get(url)
        second = self.client.get(url, {"after": first.context["page"].after})
        pages = [r.pk for r, _phone in first.context["rows"] + second.context["rows"]]
        expected = list(
            Resource.objects.exclude(team=self.team_c).order_by("-pk").values_list("pk", flat=True)
        )
        self.assertEqual(pages, expected)
        self.assertIsNone(second.context["page"].after)

    def test_nonsense_paging_and_filters_are_the_first_page(self):
        url = reverse("resources:resource_list")
        for params in [
            {"after": "abc"},
            {"after": "-1"},
            {"after": "9" * 40},
            {"received_week": "1999-01-01"},
            {"owner": "x"},
        ]:
            with self.subTest(params=params):
                self.assertEqual(self.client.get(url, params).status_code, 200)

    def test_a_phone_written_any_way_finds_the_resource(self):
        response = self.client.get(reverse("resources:resource_list"), {"q": "138-1234-5678"})
        self.assertEqual([r for r, _phone in response.context["rows"]], [self.resource_a])

    def test_filters_untouched_and_received_week(self):
        url = reverse("resources:resource_list")
        response = self.client.get(url, {"untouched": "true"})
        self.assertEqual([r for r, _phone in response.context["rows"]], [self.resource_a])
        week = dt.date(2026, 11, 30) - dt.timedelta(weeks=4)  # the week of 2026-11-02
        response = self.client.get(url, {"received_week": f"{week}"})
        self.assertEqual([r for r, _phone in response.context["rows"]], [self.resource_a])


class HandoverPageTests(BaseTestCase):
    def test_a_lead_plans_a_hand_over_of_the_resources_chosen_on_the_list(self):
        self.client.force_login(self.lead_a)
        url = reverse("resources:handover_new")
        form = self.client.get(url, {"resources": [self.resource_a.pk]})
        self.assertContains(form, "已选 1 条资源")
        response = self.client.post(
            url,
            {
                "from_employee": self.member_a_employee.pk,
                "to_employee": self.worker_a.pk,
                "planned_on": "2026-12-01",
                "resources": [self.resource_a.pk],
            },
        )
        handover = Handover.objects.latest("pk")
        self.assertRedirects(response, handover.get_absolute_url())
        self.assertEqual(list(handover.resources.all()), [self.resource_a])

    def test_the_form_says_what_is_missing_in_chinese(self):
        self.client.force_login(self.lead_a)
        response = self.client.post(
            reverse("resources:handover_new"),
            {"from_employee": self.member_a_employee.pk, "to_employee": self.member_a_employee.pk},
        )
        self.assertContains(response, "交出人和接收人不能是同一人")
        self.assertContains(response, "请填写数量，或在资源列表里勾选要交出的资源")

    def test_the_receiver_confirms_on_their_list_and_the_board_shows_it(self):
        receiver = UserFactory(username="xiaoqi", role="member")
        self.worker_a.user = receiver
        self.worker_a.save()
        self.client.force_login(receiver)
        url = reverse("resources:to_confirm")
        self.assertContains(self.client.get(url), "横洲 交给您 1 条资源")
        self.client.raise_request_exception = False
        for bad in ("²", "x", "-1"):  # a digit that is not 0-9 among them: no 500, nothing done
            self.assertEqual(self.client.post(url, {"handover": [bad]}).status_code, 302)
        self.client.post(url, {"handover": [self.handover_a.pk]})
        self.handover_a.refresh_from_db()
        self.assertEqual(self.handover_a.status, HandoverStatus.RECEIVED)
        self.assertContains(self.client.get(url), "没有等您确认接收的资源")
        self.client.force_login(self.supervisor)
        board = self.client.get(reverse("resources:handover_board"))
        self.assertEqual(board.context["board"]["received"], [self.handover_a])

    def test_the_board_lists_a_late_hand_over(self):
        Handover.objects.filter(pk=self.handover_a.pk).update(planned_on=dt.date(2026, 11, 20))
        self.client.force_login(self.lead_a)
        board = self.client.get(reverse("resources:handover_board"), {"team": self.team_a.pk})
        self.assertEqual(board.context["board"]["late"], [self.handover_a])
        other = self.client.get(reverse("resources:handover_board"), {"team": "abc"})
        self.assertEqual(other.status_code, 200)

    def test_the_cover_page_opens_the_rows_behind_each_bar(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(reverse("resources:cover"), {"team": self.team_a.pk})
        chart = response.context["chart"]
        index = chart["categories"].index(self.team_a.name)
        self.assertEqual(
            chart["links"][0][index],
            f"{reverse('resources:resource_list')}?team={self.team_a.pk}&workable=true",
        )
        listed = self.client.get(chart["links"][0][index])
        row = next(r for r in response.context["rows"] if r.team == self.team_a)
        self.assertEqual(len(listed.context["rows"]), row.workable)
