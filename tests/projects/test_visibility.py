"""Who sees which projects: the front team's and the back end's leads, the line's supervisors,
executives and admins; members see none (STYLE.md §2)."""

from django.contrib.auth.models import AnonymousUser

from duban.projects.models import Project
from tests.factories import TeamFactory
from tests.projects.base import ProjectsTestCase


class VisibilityTests(ProjectsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ours = cls.short(name="宽带推广")  # team A, handed to the back team
        cls.alone = cls.short(name="政企专线", back_team=None)
        cls.theirs = cls.short(name="二组项目", team=cls.team_b, lead=cls.lead_b, back_team=None)
        cls.south = cls.short(name="华南项目", team=cls.team_c, lead=cls.admin, back_team=None)

    def visible(self, user):
        return set(Project.objects.visible_to(user))

    def test_the_front_teams_lead_sees_the_teams_projects(self):
        self.assertEqual(self.visible(self.lead_a), {self.ours, self.alone})
        self.assertEqual(self.visible(self.lead_b), {self.theirs})

    def test_the_back_ends_lead_sees_the_projects_handed_to_the_team(self):
        self.assertEqual(self.visible(self.back_lead), {self.ours})

    def test_a_supervisor_sees_the_projects_of_the_lines_they_supervise(self):
        self.assertEqual(self.visible(self.supervisor), {self.ours, self.alone, self.theirs})
        self.assertEqual(self.visible(self.other_supervisor), {self.south})

    def test_a_back_end_of_another_line_shows_the_project_to_that_lines_supervisor(self):
        south_back = TeamFactory(name="华南交付组", kind="back", line=self.line_2)
        Project.objects.filter(pk=self.alone.pk).update(back_team=south_back)
        self.assertEqual(self.visible(self.other_supervisor), {self.south, self.alone})

    def test_executives_and_admins_see_all(self):
        everything = {self.ours, self.alone, self.theirs, self.south}
        self.assertEqual(self.visible(self.executive), everything)
        self.assertEqual(self.visible(self.admin), everything)

    def test_members_and_strangers_see_none(self):
        self.assertEqual(self.visible(self.member_a), set())
        self.assertEqual(self.visible(AnonymousUser()), set())

    def test_an_inactive_user_sees_none(self):
        self.lead_a.is_active = False
        self.assertEqual(self.visible(self.lead_a), set())

    def test_each_project_is_listed_once(self):
        self.team_a.leads.add(self.back_lead)  # leads both sides of the project
        projects = list(Project.objects.visible_to(self.back_lead))
        self.assertEqual(len(projects), len(set(projects)))
        self.assertEqual(set(projects), {self.ours, self.alone})
