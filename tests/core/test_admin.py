"""Every admin change page saves what a browser posts from it, unchanged."""

from django.contrib import admin
from django.urls import reverse

from duban.core.models import VersionedModel
from tests.base import BaseTestCase
from tests.html_forms import form_fields


class AdminChangePagesTest(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.admin)
        self.add_sales_leads()

    def add_sales_leads(self):
        """A lead request and a sales lead, which the cast has none of."""
        import datetime as dt

        from duban.leads.models import LeadRequest, SalesLead

        day = dt.date(2026, 11, 2)
        LeadRequest.objects.create(
            back_team=self.team_b,
            team=self.team_a,
            kind="宽带",
            quantity=5,
            deadline=day,
            raised_on=day,
        )
        from django.utils import timezone

        from duban.aftersales.models import Case
        from duban.projects.models import Project

        at = timezone.now()
        Case.objects.create(
            number="SH-1",
            team=self.team_a,
            lead=self.lead_a,
            reported_at=at,
            respond_by=at,
            resolve_by=at,
            description="断网",
        )

        Project.objects.create(
            name="宽带推广", team=self.team_a, lead=self.lead_a, starts_on=day, ends_on=day
        )
        SalesLead.objects.create(
            team=self.team_a,
            prospect="丙公司",
            owner=self.worker_a,
            probability=40,
            probability_on=day,
            delivered_on=day,
        )

    def save_as_a_browser_would(self, obj):
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200, url)
        data = form_fields(page.content.decode(), f"{opts.model_name}_form")
        data["_save"] = ["1"]
        return self.client.post(url, data)

    def test_every_admin_change_page_saves(self):
        saved = []
        for model in admin.site._registry:
            obj = model._default_manager.order_by("pk").first()
            if obj is None:
                continue
            with self.subTest(model=model.__name__):
                response = self.save_as_a_browser_would(obj)
                errors = response.context["errors"] if response.status_code == 200 else None
                self.assertEqual(response.status_code, 302, f"{model.__name__}: {errors}")
                if isinstance(obj, VersionedModel):
                    self.assertEqual(type(obj).objects.get(pk=obj.pk).version, obj.version + 1)
                saved.append(model.__name__)
        versioned = {m.__name__ for m in admin.site._registry if issubclass(m, VersionedModel)}
        self.assertLessEqual(versioned, set(saved), "every versioned admin is tried")

    def test_a_team_lead_can_be_changed_in_the_admin(self):
        opts = self.team_a._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.team_a.pk])
        data = form_fields(self.client.get(url).content.decode(), "team_form")
        data["leads"] = [str(self.lead_b.pk)]
        data["_save"] = ["1"]
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(list(self.team_a.leads.all()), [self.lead_b])
