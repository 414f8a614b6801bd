"""Who sees which cases (STYLE.md §2): by team as everywhere; a member only the cases they
handle (S-AS-1)."""

from duban.aftersales.models import Case
from duban.org.choices import Role
from tests.aftersales.base import AftersalesTestCase, nov
from tests.factories import UserFactory


class VisibilityTests(AftersalesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.lead_c = UserFactory(username="zhaolei", name="赵磊", role=Role.LEAD)
        cls.team_c.leads.add(cls.lead_c)
        cls.handled_by_member = cls.register(nov(2), handler=cls.member_a_employee)
        cls.handled_by_worker = cls.register(nov(3), handler=cls.worker_a)
        cls.unhandled = cls.register(nov(4))
        cls.of_team_b = cls.register(nov(5), team=cls.team_b, by=cls.lead_b)
        cls.of_team_c = cls.register(nov(6), team=cls.team_c, by=cls.lead_c)

    def visible(self, user) -> set[Case]:
        return set(Case.objects.visible_to(user))

    def test_S_AS_1_the_lead_of_team_a_sees_team_as_cases(self):
        self.assertEqual(
            self.visible(self.lead_a),
            {self.handled_by_member, self.handled_by_worker, self.unhandled},
        )

    def test_the_lead_of_team_b_sees_only_team_bs(self):
        self.assertEqual(self.visible(self.lead_b), {self.of_team_b})

    def test_the_supervisor_of_line_1_sees_its_teams(self):
        self.assertEqual(
            self.visible(self.supervisor),
            {self.handled_by_member, self.handled_by_worker, self.unhandled, self.of_team_b},
        )

    def test_the_supervisor_of_line_2_sees_nothing_of_line_1(self):
        self.assertEqual(self.visible(self.other_supervisor), {self.of_team_c})
        self.assertEqual(self.visible(self.lead_c), {self.of_team_c})

    def test_the_executive_and_the_admin_see_every_case(self):
        every = set(Case.objects.all())
        self.assertEqual(len(every), 5)
        self.assertEqual(self.visible(self.executive), every)
        self.assertEqual(self.visible(self.admin), every)

    def test_S_AS_1_a_member_sees_only_the_cases_they_handle(self):
        self.assertEqual(self.visible(self.member_a), {self.handled_by_member})

    def test_an_inactive_user_sees_nothing(self):
        self.lead_a.is_active = False
        self.assertEqual(self.visible(self.lead_a), set())
