import datetime as dt

import factory

from duban.org.choices import EmployeeStatus, Role, TeamKind, post_of
from duban.org.models import BusinessLine, Employee, Team, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.MEMBER
    password = factory.django.Password("pw")


class BusinessLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessLine

    name = factory.Sequence(lambda n: f"条线{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"电销{n}组")
    line = factory.SubFactory(BusinessLineFactory)
    kind = TeamKind.FRONT


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    name = factory.Sequence(lambda n: f"员工{n}")
    team = factory.SubFactory(TeamFactory)
    position = "电话销售"
    post = factory.LazyAttribute(lambda employee: post_of(employee.position))
    status = EmployeeStatus.ACTIVE
    hire_date = dt.date(2025, 3, 1)
    daily_capacity = 100
