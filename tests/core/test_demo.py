"""`duban demo` builds the same realistic company every time (issue 2)."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from duban.core.demo import DEMO_PASSWORD, build_demo
from duban.org.choices import Role, TeamKind
from duban.org.models import BusinessLine, Employee, Team, User

TODAY = dt.date(2026, 11, 27)


class DemoTests(TestCase):
    def test_it_builds_the_company_the_seed_describes(self):
        company = build_demo(TODAY)
        self.assertGreaterEqual(BusinessLine.objects.count(), 2)
        self.assertGreaterEqual(Team.objects.count(), 6)
        kinds = set(Team.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, {TeamKind.FRONT, TeamKind.BACK})
        self.assertGreaterEqual(Employee.objects.count(), 60)
        for name in ["维盛", "横洲", "小祁", "王立霞"]:
            self.assertTrue(Employee.objects.filter(name=name).exists(), name)
        roles = {role for role, _, _ in company.logins}
        self.assertEqual(roles, {role.label for role in Role})

    def test_every_printed_login_works(self):
        company = build_demo(TODAY)
        for _, username, _ in company.logins:
            with self.subTest(username=username):
                self.assertTrue(self.client.login(username=username, password=DEMO_PASSWORD))

    def test_two_builds_give_the_same_company(self):
        self.assertEqual(self.build_and_describe(), self.build_and_describe())

    def test_the_command_prints_the_logins(self):
        out = StringIO()
        call_command("demo", no_serve=True, stdout=out)
        self.assertIn("duban", out.getvalue())
        self.assertIn(DEMO_PASSWORD, out.getvalue())
        out = StringIO()
        call_command("demo", no_serve=True, stdout=out)  # a second run keeps the data
        self.assertIn("演示数据已存在", out.getvalue())
        self.assertEqual(User.objects.filter(username="duban").count(), 1)

    def build_and_describe(self):
        with transaction.atomic():
            build_demo(TODAY)
            description = list(
                Employee.objects.order_by("team__name", "name").values_list(
                    "team__name", "name", "status", "hire_date", "daily_capacity"
                )
            )
            transaction.set_rollback(True)
        return description
