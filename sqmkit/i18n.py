"""Language-dependent pieces: numerals, dates and the handbook's fixed wording.

zh-CN is complete; English is present so that a translation can be added without restructuring.
"""

from __future__ import annotations

import datetime as dt

_DIGITS = "零一二三四五六七八九"


def zh_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (numbers up to 9999)."""
    if n <= 0 or n > 9999:
        return str(n)
    units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")]
    out, zero = "", False
    for value, name in units:
        d, n = divmod(n, value)
        if d:
            if zero and out:
                out += "零"
            out += _DIGITS[d] + name
            zero = False
        elif out:
            zero = True
    if out.startswith("一十"):
        out = out[1:]
    return out


def alpha(n: int) -> str:
    """1 → a, 26 → z, 27 → aa."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(97 + r) + s
    return s


def roman(n: int) -> str:
    vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
            (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, s in vals:
        while n >= v:
            out, n = out + s, n - v
    return out


#: Babel's date pattern per language: 2025年1月1日, 1 January 2025
_DATE_FORMATS = {"zh-CN": ("zh_CN", "long"), "en": ("en", "d MMMM y")}


#: the month names of :data:`_DATE_FORMATS`' English pattern (MMMM), as CLDR writes them
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")


def format_date(value: dt.date | str, lang: str = "zh-CN") -> str:
    """A date as the language writes it in running text: the CLDR patterns of :data:`_DATE_FORMATS`
    (zh_CN long is ``y年M月d日``), written out so that a build does not load Babel's locale data
    for them (some 30 ms a process); a test checks every date against Babel."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if _DATE_FORMATS.get(lang, _DATE_FORMATS["zh-CN"])[0] == "en":
        return f"{value.day} {_EN_MONTHS[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


def format_number(value: float | int, lang: str = "zh-CN") -> str:
    """A number with the language's separators (99.9, 1,234), formatted by Babel."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_DATE_FORMATS.get(lang, _DATE_FORMATS["zh-CN"])[0])


#: fixed wording of the outputs, per language
MESSAGES: dict[str, dict[str, str]] = {
    "zh-CN": {
        "toc": "目录",
        "cover_controlled": "受控",
        "cover_uncontrolled": "非受控",
        "doc_number": "文件编号",
        "version": "版本",
        "prepared_by": "编制",
        "reviewed_by": "审核",
        "approved_by": "批准",
        "effective_date": "生效日期",
        "copy_number": "分发号",
        "holder": "持有部门",
        "revision_log": "修订记录",
        "rev_version": "版本",
        "rev_date": "日期",
        "rev_description": "修订内容",
        "forms": "表单",
        "checklists": "检查表",
        "appendix": "附录",
        "appendix_forms": "附录一 表单目录",
        "appendix_checklists": "附录二 检查表目录",
        "checked_by": "检查项",
        "form_for": "记录",
        "page_footer": "第 {page} 页 / 共 {pages} 页",
        "prev": "上一章",
        "next": "下一章",
        "home": "首页",
        "print": "打印",
        "grade": "等级",
        "min_score": "最低得分",
        "label": "评定",
        "consequence": "处理",
        "kpi_name": "指标",
        "kpi_formula": "计算方法",
        "kpi_target": "目标值",
        "kpi_frequency": "统计周期",
        "owner": "责任部门",
        "incentive_kind": "类别",
        "incentive_trigger": "情形",
        "incentive_points": "分值",
        "incentive_amount": "金额",
        "incentive_repeat": "重复发生",
        "incentive_escalation": "连带责任",
        "incentive_grade": "关联等级",
        "reward": "奖励",
        "penalty": "处罚",
        "activity": "活动",
        "interval": "频次",
        "output": "输出",
        "step": "步骤",
        "time_limit": "时限",
        "escalation": "升级",
        "unit": "单位",
        "duty_role": "职责定位",
        "duties": "职责",
        "responsible": "负责",
        "executes": "执行",
        "supervises": "监督",
        "assists": "协助",
        "veto": "否决项",
        "score": "得分",
        "max_score": "满分",
        "weight": "权重",
        "item": "检查内容",
        "clauses": "依据条款",
        "method": "检查方法",
        "pass": "符合",
        "fail": "不符合",
        "na": "不适用",
        "total": "总分",
        "answered": "已检查",
        "veto_failed": "否决项不符合，等级判为",
        "inspector": "检查人",
        "inspectee": "被检查对象",
        "date": "检查日期",
        "export": "导出结果",
        "reset": "清空",
        "signature": "签字",
        "yes": "是",
        "no": "否",
        "see": "见",
        "chapter_ref": "第{n}章",
        "article_ref": "第{n}条",
        "item_ref": "第{n}项",
        "bands": "等级标准",
        "frequency": "检查频次",
        "subject": "检查对象",
        "site_title_suffix": "",
        "generated": "本文件由受控文件系统生成，打印件以文件编号和版本为准。",
        # the printed handbook and forms (issue 13)
        "issued_date": "发布日期",
        "implement_date": "实施日期",
        "approval": "审批",
        "sign_here": "签名",
        "sign_date": "日期",
        "score_range": "得分范围",
        "range_top": "{min}分（含）以上",
        "range_mid": "{min}分（含）至{max}分",
        "range_low": "{max}分以下",
        "appendix_n": "附录{n}",
        "attachment_n": "附件{n}",
        "attachments": "附件",
        "forms_index": "表单目录",
        "checklists_index": "检查表目录",
        "matrix": "条款—表单—检查表对照表",
        "clause": "条款",
        "form_number": "表单编号",
        "issue_verb": "发布",
        "effect_verb": "实施",
        "blank_date": "　　　年　　月　　日",
    },
    "en": {
        "toc": "Contents", "cover_controlled": "CONTROLLED", "cover_uncontrolled": "UNCONTROLLED",
        "doc_number": "Document No.", "version": "Version", "prepared_by": "Prepared by",
        "reviewed_by": "Reviewed by", "approved_by": "Approved by", "effective_date": "Effective date",
        "copy_number": "Copy No.", "holder": "Holder", "revision_log": "Revision log", "rev_version": "Version",
        "rev_date": "Date", "rev_description": "Change", "forms": "Forms", "checklists": "Checklists",
        "appendix": "Appendix", "appendix_forms": "Appendix 1 Forms", "appendix_checklists": "Appendix 2 Checklists",
        "checked_by": "Checked by", "form_for": "Record", "page_footer": "Page {page} of {pages}",
        "prev": "Previous", "next": "Next", "home": "Home", "print": "Print", "grade": "Grade",
        "min_score": "Minimum score", "label": "Rating", "consequence": "Consequence", "kpi_name": "Indicator",
        "kpi_formula": "Formula", "kpi_target": "Target", "kpi_frequency": "Period", "owner": "Owner",
        "incentive_kind": "Type", "incentive_trigger": "Case", "incentive_points": "Points",
        "incentive_amount": "Amount", "incentive_repeat": "Repeats", "incentive_escalation": "Escalation",
        "incentive_grade": "Grade", "reward": "Reward", "penalty": "Penalty", "activity": "Activity",
        "interval": "Interval", "output": "Output", "step": "Step", "time_limit": "Time limit",
        "escalation": "Escalation", "unit": "Unit", "duty_role": "Role", "duties": "Duties",
        "responsible": "Responsible", "executes": "Executes", "supervises": "Supervises", "assists": "Assists",
        "veto": "Veto", "score": "Score", "max_score": "Max", "weight": "Weight", "item": "Item",
        "clauses": "Clauses", "method": "Method", "pass": "Pass", "fail": "Fail", "na": "N/A", "total": "Total",
        "answered": "Checked", "veto_failed": "A veto item failed; grade set to", "inspector": "Inspector",
        "inspectee": "Inspected", "date": "Date", "export": "Export results", "reset": "Clear",
        "signature": "Signature", "yes": "Yes", "no": "No", "see": "see ", "chapter_ref": "Chapter {n}",
        "article_ref": "Article {n}", "item_ref": "item {n}", "bands": "Grade bands", "frequency": "Frequency",
        "subject": "Subject", "site_title_suffix": "",
        "generated": "Generated from the controlled document system; the printed copy is identified by its number and version.",
        "issued_date": "Issued", "implement_date": "In force from", "approval": "Approval",
        "sign_here": "Signature", "sign_date": "Date", "score_range": "Score range",
        "range_top": "{min} and above", "range_mid": "{min} to under {max}", "range_low": "below {max}",
        "appendix_n": "Appendix {n}", "attachment_n": "Attachment {n}", "attachments": "Attachments",
        "forms_index": "Forms", "checklists_index": "Checklists",
        "matrix": "Clauses, forms and checklists", "clause": "Clause", "form_number": "Form No.",
        "issue_verb": "issued", "effect_verb": "in force", "blank_date": "",
    },
}


def messages(lang: str) -> dict[str, str]:
    base = dict(MESSAGES["zh-CN"])
    base.update(MESSAGES.get(lang, {}))
    return base
