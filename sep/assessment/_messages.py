"""English and Chinese texts of the conformance audit (4.1–4.3.7).

Clause titles and the evidence, problem and missing-data notes are keyed templates, so a
report is data first (keys and arguments, in JSON) and text in either language second.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["LABELS", "MESSAGES", "TITLES"]

#: Short title of every audited clause: (English, Chinese).
TITLES: Mapping[str, tuple[str, str]] = {
    "4.1-a": (
        "Founder is a qualifying large enterprise and adapted its organisation",
        "创建主体为符合要求的大型企业并完成组织适配",
    ),
    "4.1-b": (
        "Development plan, processes, norms and evaluation system set up",
        "建立发展规划、业务流程、管理规范与机制及评价体系",
    ),
    "4.2.1": ("Founder eligibility (3.1, 4.2.1(1)–(4))", "创建主体资格（3.1，4.2.1(1)–(4)）"),
    "4.2.1(1)": (
        "Founder in transformation or with a need for it",
        "创建主体处于转型升级期或有转型需求",
    ),
    "4.2.1(2)": (
        "Open-innovation architecture or autonomy to reform",
        "已构建开放式创新架构或拥有体制改革自主权",
    ),
    "4.2.1(3)": ("Industrial scale and resources to open", "具备产业规模并能开放产业资源"),
    "4.2.1(4)": ("Ample free cash flow for early funding", "自由现金流充裕，可早期投入"),
    "4.2.1-b": ("Platform led by the qualifying enterprise", "由符合条件的大型企业主导创建平台"),
    "4.2.1-c": (
        "Resource co-creators of the allowed kinds, with return shares",
        "资源共建方类型合规并按资源贡献获得收益",
    ),
    "4.2.2": ("Serves internal and external entrepreneurs", "服务内部与外部创业者及企业"),
    "4.2.3": ("Feasibility study covering the seven points", "可行性研究涵盖七项评估内容"),
    "4.2.4": ("Founder's organisational adaptation", "创建主体组织适配"),
    "4.2.5": (
        "Four business modules staffed from inside and outside",
        "四大业务模块，由内外部人员组成",
    ),
    "4.2.6": ("Three service tiers offered and kept up to date", "三层服务体系齐备并及时更新"),
    "4.3.1": ("Development plan covering the six aspects", "发展规划涵盖六个方面并与相关规划衔接"),
    "4.3.2": ("Documented incubation process and its norms", "完整规范的孵化业务流程及其规范"),
    "4.3.3": (
        "Ten management norms published with revision history",
        "十项管理规范已发布并保留修改记录",
    ),
    "4.3.4": ("Performance records on the four dimensions", "四个维度的绩效考核记录"),
    "4.3.5": ("Graduation criteria configured", "毕业标准已配置"),
    "4.3.6": ("Graduation procedure documented and followed", "毕业流程已制定并执行"),
    "4.3.7-a": ("Evaluating body of an allowed composition", "评价主体构成合规"),
    "4.3.7-b": (
        "Evaluated every year or planning cycle; every module and the total pass",
        "按年度或规划周期评价，各模块与总分均达标",
    ),
    "4.3.7-c": (
        "Improvement plans by external experts for failing modules",
        "未达标模块由外部专家提出改进方案并重点监测",
    ),
    "4.3.7-d": ("Scoring scheme covering the four modules", "评价体系涵盖四个评价模块"),
}

#: Labels of the report's own words: (English, Chinese).
LABELS: Mapping[str, tuple[str, str]] = {
    "title": ("Conformance audit", "符合性审核"),
    "platform": ("Platform", "平台"),
    "as_of": ("As of", "审核日期"),
    "standard": ("Standard", "标准"),
    "parameters": ("Audit parameters", "审核参数"),
    "summary": ("Summary", "汇总"),
    "clause": ("Clause", "条款"),
    "requirement": ("Requirement", "要求"),
    "status": ("Status", "结论"),
    "evidence": ("Evidence", "依据"),
    "problems": ("Problems", "问题"),
    "missing": ("Missing", "缺失数据"),
    "satisfied": ("SATISFIED", "符合"),
    "not_satisfied": ("NOT SATISFIED", "不符合"),
    "unknown": ("UNKNOWN", "无法判定"),
}

#: Evidence, problem and missing-data notes: key → (English, Chinese) templates.
MESSAGES: Mapping[str, tuple[str, str]] = {
    # generic
    "missing_field": ("{field} not recorded", "未记录 {field}"),
    "decision": (
        "rules {pack}: {outcome} (decision {digest})",
        "规则 {pack}：{outcome}（决定 {digest}）",
    ),
    "criterion_not_met": ("{criterion} not met", "{criterion} 未满足"),
    "missing_input": ("input {input} unknown", "输入 {input} 未知"),
    "sub_status": ("{clause}: {status}", "{clause}：{status}"),
    # 4.2.1-b
    "leader": ("led by {name}", "由 {name} 主导"),
    "co_founders": ("co-founded with {names}", "共同创建方：{names}"),
    "leader_not_eligible": (
        "the leading founder {name} does not meet 4.2.1",
        "主导创建方 {name} 不满足4.2.1",
    ),
    # 4.2.1-c
    "co_creator": (
        "{name} ({kind}) provides {provides}; return share {share}",
        "{name}（{kind}）提供 {provides}；收益比例 {share}",
    ),
    "co_creator_no_share": ("{name} has no return share recorded", "{name} 未记录收益比例"),
    "co_creator_no_resources": (
        "{name}: resources provided not recorded",
        "{name}：未记录所提供资源",
    ),
    "co_creator_zero_share": (
        "{name} provides resources but has a zero return share",
        "{name} 提供资源但收益比例为零",
    ),
    "shares_exceed": ("return shares add up to {total} (> 1)", "收益比例合计 {total}（> 1）"),
    # 4.2.2
    "targets": ("serves {targets}", "服务对象：{targets}"),
    "target_missing": ("does not serve {target} entrepreneurs", "未服务{target}创业者"),
    # 4.2.3
    "feasibility": (
        "study on a {years}-year strategic plan, completed {completed}; {n} of 7 points assessed",
        "基于{years}年战略规划的研究，完成于 {completed}；评估了7项中的{n}项",
    ),
    "point_missing": ("point not assessed: {point}", "未评估：{point}"),
    "point_unfavourable": ("finding unfavourable: {point}", "评估结论不利：{point}"),
    # 4.2.4
    "adaptation": ("recorded: {text}", "已记录：{text}"),
    # 4.2.5
    "module_staffed": (
        "{module}: {internal} internal, {external} external",
        "{module}：内部 {internal} 人，外部 {external} 人",
    ),
    "module_missing": ("module missing: {module}", "缺少业务模块：{module}"),
    "module_not_mixed": (
        "{module} is staffed only from {origin}",
        "{module} 仅由{origin}人员组成",
    ),
    "module_no_staff": ("{module}: staff not recorded", "{module}：未记录人员"),
    # 4.2.6
    "tier_offered": ("{tier}: {n} services", "{tier}：{n} 项服务"),
    "tier_missing": ("tier not offered: {tier}", "未提供服务层级：{tier}"),
    "service_stale": (
        "{name} last updated {date}, {days} days before {on} (limit {limit})",
        "{name} 最近更新于 {date}，早于 {on} {days} 天（上限 {limit} 天）",
    ),
    "service_undated": ("{name}: last update not recorded", "{name}：未记录最近更新日期"),
    # 4.3.1
    "plan": (
        "plan {start}–{end}: {n} of 6 aspects, aligned with {aligned}",
        "规划 {start}–{end}：涵盖6个方面中的{n}个，衔接 {aligned}",
    ),
    "aspect_missing": ("aspect not covered: {aspect}", "未涵盖：{aspect}"),
    "alignment_missing": ("not aligned with the {plan} plan", "未与{plan}规划衔接"),
    "alignment_unrecorded": ("alignment with other plans", "与其他规划的衔接"),
    "plan_ended": ("the plan ended in {year}", "规划已于{year}年结束"),
    # 4.3.2, 4.3.3
    "process": ("incubation process: {ref}", "孵化流程：{ref}"),
    "norm_published": (
        "{area}: {title}, version {version} of {date} ({n} revisions)",
        "{area}：{title}，版本 {version}（{date}），共 {n} 次修订",
    ),
    "norm_missing": ("no norm for {area}", "缺少管理规范：{area}"),
    "norm_unpublished": ("{area} has no published revision", "{area} 未发布任何版本"),
    "norm_external_standards": (
        "conformity of technology transfer to GB/T 34670 and of service agencies to "
        "GB/T 19012 is not shown by the data",
        "技术转移符合GB/T 34670、服务机构符合GB/T 19012的情况无法由数据判定",
    ),
    # 4.3.4
    "performance_cycle": (
        "cycle {period}: {subjects} subjects; {dims}",
        "周期 {period}：{subjects} 个考核对象；{dims}",
    ),
    "dimension_missing": ("no record on {dimension}", "无 {dimension} 维度的记录"),
    "dimension_unscored": ("{dimension} recorded but not scored", "{dimension} 已记录但未评分"),
    # 4.3.5, 4.3.6
    "pack": ("rule pack {id} {version} ({document})", "规则包 {id} {version}（{document}）"),
    "pack_invalid": ("graduation pack {ref}: {reason}", "毕业规则包 {ref}：{reason}"),
    "pack_lacks": ("the pack does not decide {criterion}", "该规则包未判定 {criterion}"),
    "procedure": ("graduation procedure: {ref}", "毕业流程：{ref}"),
    "graduates": ("{n} graduates checked", "已检查 {n} 家毕业企业"),
    "graduate_no_archive": (
        "{id} graduated without a graduate archive (step 5)",
        "{id} 已毕业但未建立毕业档案（第5步）",
    ),
    "graduate_holds_resources": (
        "{id} graduated still holding {resources} (step 3)",
        "{id} 已毕业但仍持有 {resources}（第3步）",
    ),
    # 4.3.7
    "body": (
        "{kind}: {internal} internal and {external} external members",
        "{kind}：内部成员 {internal} 人，外部成员 {external} 人",
    ),
    "scheme": ("scheme {id} version {version}", "评分方案 {id} 版本 {version}"),
    "scheme_example": (
        "the shipped example scheme is in use (its weights are not the standard's)",
        "使用的是随附的示例方案（其权重并非标准规定）",
    ),
    "scheme_invalid": ("scheme {ref}: {reason}", "评分方案 {ref}：{reason}"),
    "cycle": ("cycle {period}: {outcome}, total {total}", "周期 {period}：{outcome}，总分 {total}"),
    "cycle_gap": (
        "no evaluation between {after} and {before}",
        "{after} 与 {before} 之间未进行评价",
    ),
    "cycle_overdue": (
        "the cycle after {period} was due by {due}",
        "{period} 之后的周期应于 {due} 前完成评价",
    ),
    "module_failed": ("{module} failed in {period}", "{module} 在 {period} 未达标"),
    "plan_outstanding": (
        "no improvement plan for {module} failing in {period}",
        "{module} 在 {period} 未达标但无改进方案",
    ),
    "plan_given": (
        "improvement plan for {module} ({period}) by {authors}",
        "{module}（{period}）改进方案，提出者：{authors}",
    ),
    "recovered": ("{module} recovered in {period}", "{module} 在 {period} 恢复达标"),
    "nothing_failed": ("no module has failed", "无未达标模块"),
}
