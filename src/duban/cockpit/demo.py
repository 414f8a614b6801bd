"""The demo's cockpit: eight weeks of daily snapshots behind the dashboard's trend (each
week's last working day, its figures as the data holds them for that day), and a supervisor's
adjustment and comment on a lead's last month."""

import datetime as dt

from duban.cockpit import services
from duban.core import calendar
from duban.core.demo import DemoCompany
from duban.core.months import add_months
from duban.core.scoring import Dimension
from duban.org.models import User

WEEKS = 8


def finish(company: DemoCompany) -> None:
    today = company.today
    for back in range(1, WEEKS + 1):
        sunday = today - dt.timedelta(days=today.weekday() + 1 + 7 * (back - 1))
        workdays = calendar.workdays_between(sunday - dt.timedelta(days=6), sunday)
        if workdays:
            services.snapshot_take(day=workdays[-1])
    if calendar.is_workday(today):
        services.snapshot_take(day=today)
    supervisor = User.objects.get(username="duban")
    lead = User.objects.get(username="weisheng")
    last_month = add_months(today.replace(day=1), -1)
    services.score_adjust(
        by=supervisor,
        lead=lead,
        month=last_month,
        dimension=Dimension.RESOURCES,
        points=5,
        reason="月中临时接收电销三组 2 人的资源，交接量超出计划",
        version=None,
    )
    services.comment_add(
        by=supervisor,
        lead=lead,
        month=last_month,
        text="回款计划执行到位；项目总结要按周期更新，不要月底集中补。",
    )
