"""The sender as background work: queued whenever messages are written, run by `duban worker`
(and `duban tick` sends too, for a server that runs no worker)."""

from django_tasks import task

from duban.notify.services import messages_send


@task()
def send_outbox() -> dict:
    return messages_send()
