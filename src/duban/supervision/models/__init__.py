from duban.supervision.models.checkins import CalendarFeed, CheckIn, FollowUpRule
from duban.supervision.models.matters import Chase, Matter
from duban.supervision.models.plans import Milestone, Plan, PlanVersion
from duban.supervision.models.policy import AreaPolicy
from duban.supervision.models.risks import Risk, RiskItem
from duban.supervision.models.tables import TableVersion

__all__ = [
    "AreaPolicy",
    "CalendarFeed",
    "Chase",
    "CheckIn",
    "FollowUpRule",
    "Matter",
    "Milestone",
    "Plan",
    "PlanVersion",
    "Risk",
    "RiskItem",
    "TableVersion",
]
