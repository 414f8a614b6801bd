"""A training's sign-in and score sheet, imported all or nothing (issue 12, S-HR-4)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from duban.core.services import import_commit, import_preview
from duban.people.importers import attendance_importer
from duban.people.models import TrainingResult
from tests.base import BaseTestCase


def sheet(*lines) -> bytes:
    return (
        "\n".join(["产品知识培训成绩表", "学员,分数,考核结果,掌握程度,反馈", *lines]) + "\n"
    ).encode("gbk")


class AttendanceImportTests(BaseTestCase):
    def check(self, data, user=None):
        importer = attendance_importer(user or self.lead_a, {"training": self.training_a.pk})
        return import_preview(
            data=data,
            filename="成绩.csv",
            importer=importer,
            kind="attendance",
            by=user or self.lead_a,
        )

    def test_scores_of_attendees_and_new_attendees_go_in(self):
        batch, preview = self.check(sheet("小祁,85分,,好,", "横洲,45,不合格,2,报价没掌握"))
        self.assertEqual(preview.counts()["new"], 1)  # 横洲 was not on the list yet
        self.assertEqual(preview.counts()["changed"], 1)
        options = {"training": self.training_a.pk}
        import_commit(importer=attendance_importer(self.lead_a, options), batch=batch)
        results = {r.employee.name: r for r in self.training_a.results.select_related("employee")}
        self.assertEqual((results["小祁"].score, results["小祁"].uptake), (Decimal("85.0"), 4))
        self.assertEqual((results["横洲"].passed, results["横洲"].note), (False, "报价没掌握"))

    def test_every_bad_row_is_listed_and_nothing_is_written(self):
        _batch, preview = self.check(sheet("小祁,120,,,", "周敏,80,,,", "横洲,80,也许,9,"))
        found = {(e.line, e.column) for e in preview.errors}
        self.assertEqual(found, {(3, "分数"), (4, "学员"), (5, "考核结果"), (5, "掌握程度")})
        self.assertFalse(TrainingResult.objects.exclude(score=None).exists())

    def test_the_same_person_twice_is_refused(self):
        _batch, preview = self.check(sheet("小祁,80,,,", "小祁,90,,,"))
        self.assertEqual([e.line for e in preview.errors], [4])

    def test_a_lead_of_another_team_cannot_import_into_the_training(self):
        with self.assertRaises(PermissionDenied):
            attendance_importer(self.lead_b, {"training": self.training_a.pk})
        with self.assertRaises(PermissionDenied):
            attendance_importer(self.executive, {"training": self.training_a.pk})

    def test_the_upload_page_chooses_the_training_of_the_link(self):
        self.client.force_login(self.lead_a)
        url = reverse("people:attendance_import")
        page = self.client.get(url, {"training": self.training_a.pk})
        self.assertEqual(page.context["form"]["training"].value(), str(self.training_a.pk))
        self.client.force_login(self.lead_b)  # another team's training is no choice
        page = self.client.get(url)
        self.assertNotIn(self.training_a, page.context["form"].fields["training"].queryset)
