"""The demo's notifications: e-mail addresses for the supervisor and two leads (without an
SMTP server the messages are written to the data folder's mail/), the supervisor's digest at
08:30, and a lead who wants plan messages only."""

import datetime as dt

from duban.core.demo import DemoCompany
from duban.notify.models import Choice, Endpoint, MessageKind, Profile
from duban.org.models import User

ADDRESSES = {
    "duban": "liuting@demo.duban.local",
    "weisheng": "weisheng@demo.duban.local",
    "wanglixia": "wanglixia@demo.duban.local",
}


def build(company: DemoCompany) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=ADDRESSES)}
    endpoints = {
        name: Endpoint.objects.create(kind="email", address=address, user=users[name])
        for name, address in ADDRESSES.items()
        if name in users
    }
    if "duban" in users:
        Profile.objects.create(user=users["duban"], digest_at=dt.time(8, 30))
    if "wanglixia" in users:
        Profile.objects.create(user=users["wanglixia"], mobile="13900001111")
        for kind in [MessageKind.PLAN_DEMANDED, MessageKind.PLAN_RETURNED]:
            Choice.objects.create(
                user=users["wanglixia"], endpoint=endpoints["wanglixia"], kind=kind
            )
