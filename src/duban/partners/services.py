"""Writes on partners: their business condition, recorded by those who deal with them."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from duban.core.transitions import TransitionError
from duban.org.choices import Role
from duban.partners.models import ConditionNote, Partner

NOTE_TAKERS = {Role.ADMIN, Role.SUPERVISOR, Role.LEAD}


def may_change_condition(user, partner: Partner) -> bool:
    """Who may change a partner's condition: admins and supervisors; a lead when nobody has
    recorded it yet, or their own team did. A lead who has just met the partner through an
    import does not overturn what another team (or a supervisor) recorded."""
    if user.role in {Role.ADMIN, Role.SUPERVISOR}:
        return True
    if user.role != Role.LEAD:
        return False
    if partner.condition_by_id is None:
        return True
    return (
        partner.condition_team_id is not None
        and user.led_teams.filter(pk=partner.condition_team_id).exists()
    )


def condition_note_add(*, partner: Partner, by, date, condition, note, team=None) -> ConditionNote:
    """A dated note on the partner's condition. The latest note sets the condition, if its
    author may change it (``may_change_condition``); anyone dealing with the partner may add
    what they learnt without changing it."""
    if by.role not in NOTE_TAKERS:
        raise PermissionDenied
    with transaction.atomic():
        current = Partner.objects.select_for_update().get(pk=partner.pk)
        if condition != current.condition and not may_change_condition(by, current):
            raise TransitionError(
                _(
                    "经营状况“%(condition)s”由%(who)s记录，只有该团队的主管或督办可以修改；"
                    "您可以按原状况补充情况说明。"
                )
                % {"condition": current.get_condition_display(), "who": _recorder(current)}
            )
        team = team or (by.led_teams.order_by("pk").first() if by.role == Role.LEAD else None)
        entry = ConditionNote.objects.create(
            customer=current, date=date, condition=condition, note=note, by=by, team=team
        )
        latest = current.notes.order_by("-date", "-pk").first()
        unset = current.condition_by_id is None
        if latest.pk == entry.pk and (condition != current.condition or unset):
            current.condition, current.condition_by, current.condition_team = condition, by, team
            current.version += 1
            current.save(update_fields=["condition", "condition_by", "condition_team", "version"])
    partner.refresh_from_db()
    return entry


def _recorder(partner: Partner) -> str:
    if partner.condition_team is not None:
        return partner.condition_team.name
    return partner.condition_by.display_name if partner.condition_by else _("督办")
