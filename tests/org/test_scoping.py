"""Who sees which teams, lines and employees: one rule, in visible_to (DESIGN: roles)."""

from django.contrib.auth.models import AnonymousUser

from duban.org.models import BusinessLine, Employee, Team
from tests.base import BaseTestCase


class ScopingTests(BaseTestCase):
    def names(self, model, user):
        return sorted(str(obj) for obj in model.objects.visible_to(user))

    def test_admin_and_executive_see_every_team(self):
        for user in [self.admin, self.executive]:
            self.assertEqual(self.names(Team, user), ["电销一组", "电销二组", "电销四组"])

    def test_a_supervisor_sees_the_teams_of_their_lines(self):
        self.assertEqual(self.names(Team, self.supervisor), ["电销一组", "电销二组"])
        self.assertEqual(self.names(Team, self.other_supervisor), ["电销四组"])
        self.assertEqual(self.names(BusinessLine, self.supervisor), ["华东业务线"])

    def test_a_lead_sees_only_the_teams_they_lead(self):
        self.assertEqual(self.names(Team, self.lead_a), ["电销一组"])
        self.assertEqual(self.names(Team, self.lead_b), ["电销二组"])
        self.assertEqual(self.names(BusinessLine, self.lead_b), ["华东业务线"])

    def test_a_lead_of_two_teams_sees_both_once(self):
        self.team_b.leads.add(self.lead_a)
        self.assertEqual(self.names(Team, self.lead_a), ["电销一组", "电销二组"])
        self.assertEqual(self.names(BusinessLine, self.lead_a), ["华东业务线"])

    def test_a_member_sees_their_team_and_only_their_own_employee_record(self):
        self.assertEqual(self.names(Team, self.member_a), ["电销一组"])
        self.assertEqual(self.names(Employee, self.member_a), ["横洲"])

    def test_the_lead_of_team_b_sees_none_of_team_a_staff(self):
        self.assertEqual(self.names(Employee, self.lead_b), ["周敏"])

    def test_anonymous_and_deactivated_users_see_nothing(self):
        self.assertEqual(self.names(Team, AnonymousUser()), [])
        self.supervisor.is_active = False
        self.assertEqual(self.names(Employee, self.supervisor), [])
