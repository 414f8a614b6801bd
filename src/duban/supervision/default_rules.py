"""The follow-up rules the seed names (SEED.md, last section), loaded for a new company."""

from duban.supervision.choices import Area, Cadence

# (area, what to check, cadence, seed requirement)
SEED_RULES = [
    (Area.RESOURCES, "与主管沟通资源来源与分类", Cadence.TWICE_WEEKLY, "S-RES-1"),
    (Area.RESOURCES, "资源大表是否按周更新", Cadence.WEEKLY, "S-RES-1"),
    (Area.RESOURCES, "当日计划内资源流转安排", Cadence.DAILY, "S-RES-2"),
    (Area.RESOURCES, "流转资源接收情况与资源量预判", Cadence.DAILY, "S-RES-7"),
    (Area.PEOPLE, "团队结构与员工动态", Cadence.DAILY, "S-HR-1"),
    (Area.PEOPLE, "主管与员工的绩效谈话", Cadence.MONTHLY, "S-HR-5"),
    (Area.PEOPLE, "月度优秀员工评选组织情况", Cadence.MONTHLY, "S-HR-6"),
    (Area.LEADS, "销线工作安排与结果回收", Cadence.DAILY, "S-LEAD-2"),
    (Area.LEADS, "销线综述是否按时更新", Cadence.DAILY, "S-LEAD-5"),
    (Area.PROJECTS, "3个月内项目目标完成情况", Cadence.TWICE_WEEKLY, "S-PRJ-2"),
    (Area.PROJECTS, "3–6个月项目目标完成情况", Cadence.WEEKLY, "S-PRJ-3"),
    (Area.PROJECTS, "新项目每日指标", Cadence.DAILY, "S-PRJ-5"),
    (Area.PROJECTS, "新项目月度指标", Cadence.MONTHLY, "S-PRJ-5"),
    (Area.RECEIVABLES, "应收账表更新与回款计划", Cadence.TWICE_MONTHLY, "S-AR-2"),
    (Area.RECEIVABLES, "到期回款梳理与催款方案", Cadence.TWICE_WEEKLY, "S-AR-3"),
    (Area.RECEIVABLES, "大额回款催款节奏", Cadence.WEEKLY, "S-AR-4"),
    (Area.AFTERSALES, "售后申报、原因与解决时效", Cadence.TWICE_WEEKLY, "S-AS-2"),
    (Area.AFTERSALES, "售后跟踪表月度返回", Cadence.MONTHLY, "S-AS-4"),
]
