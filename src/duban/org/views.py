from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from duban.core import calendar
from duban.core.access import get_object_for_user
from duban.core.exporting import table_response
from duban.core.history import history_of
from duban.core.services import StaleEditError
from duban.core.tables import paginate
from duban.org import selectors
from duban.org.choices import Role
from duban.org.filters import EmployeeFilterSet
from duban.org.forms import EmployeeForm
from duban.org.models import EDITORS, BusinessLine, Employee, Team
from duban.org.tables import EmployeeTable

# where each role starts its day: the supervisor's agenda, the executive's dashboard, the
# lead's to-do
START_PAGES = {
    Role.SUPERVISOR: "supervision:agenda",
    Role.EXECUTIVE: "cockpit:dashboard",
    Role.LEAD: "supervision:todo",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.role in START_PAGES:
        return redirect(START_PAGES[request.user.role])
    today = timezone.localdate()
    context = {
        "today": today,
        "today_is_workday": calendar.is_workday(today),
        "next_workday": calendar.next_workday(today),
        "teams": selectors.team_overview(request.user),
    }
    return render(request, "core/home.html", context)


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    return render(request, "org/team_list.html", {"teams": selectors.team_overview(request.user)})


@login_required
def line_detail(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_for_user(BusinessLine.objects.select_related("head"), request.user, pk=pk)
    context = {
        "line": line,
        "teams": [t for t in selectors.team_overview(request.user) if t.line_id == line.pk],
        "history": history_of(line),
    }
    return render(request, "org/line_detail.html", context)


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_for_user(
        Team.objects.select_related("line", "line__head"), request.user, pk=pk
    )
    context = {
        "team": team,
        "members": selectors.team_members(team, request.user),
        "history": history_of(team),
    }
    return render(request, "org/team_detail.html", context)


@login_required
def employee_list(request: HttpRequest) -> HttpResponse:
    employees = Employee.objects.visible_to(request.user).select_related("team", "user")
    filterset = EmployeeFilterSet(request.GET, queryset=employees, user=request.user)
    if request.GET.get("export") == "xlsx":
        return table_response(EmployeeTable(filterset.qs), filename="员工.xlsx", sheet="员工")
    table = EmployeeTable(filterset.qs)
    paginate(request, table)
    context = {
        "filter": filterset,
        "table": table,
        "can_add": request.user.role in EDITORS,
        "can_export": True,
    }
    return render(request, "org/employee_list.html", context)


@login_required
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employee = get_object_for_user(
        Employee.objects.select_related("team", "team__line", "user"), request.user, pk=pk
    )
    context = {
        "employee": employee,
        "can_edit": employee.can_be_edited_by(request.user),
        "history": history_of(employee),
    }
    return render(request, "org/employee_detail.html", context)


@login_required
def employee_create(request: HttpRequest) -> HttpResponse:
    if request.user.role not in EDITORS:
        raise PermissionDenied
    form = EmployeeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        employee = form.save()
        messages.success(request, _("已添加员工 %(name)s。") % {"name": employee.name})
        return redirect(employee)
    return render(request, "org/employee_form.html", {"form": form})


@login_required
def employee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employee = get_object_for_user(Employee, request.user, write=True, pk=pk)
    form = EmployeeForm(request.POST or None, instance=employee, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleEditError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存。"))
            return redirect(employee)
    return render(request, "org/employee_form.html", {"form": form, "employee": employee})
