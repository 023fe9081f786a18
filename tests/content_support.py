"""A small industry pack written into a folder, for the content-depth tests (issue 17).

It has what the core's content features read: references of every kind (one of a module), a
quality department, a post whose client name carries a parenthetical, an organization chapter
filed after the standards, forms and checklists whose codes are out of order, and a penalty
multiplier of 1. ``write_pack(root, files)`` writes it, ``files`` replacing or adding files.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import yaml

INDUSTRY = """\
    id: mini
    name: 迷你服务
    title: 迷你服务质量管理制度
    modules:
      - {id: canteen, name: 职工食堂}
    parameters:
      kpi:
        closure_rate: {type: percent, default: 98, unit: "%", meaning: 投诉按时办结率（不设100%）}
      penalty:
        repeat_multiplier: {type: number, default: 1, min: 1, max: 5, meaning: 重复违规的扣分倍数}
    departments:
      quality: {name: 质量管理部}
      operations: {name: 运营部}
    roles:
      quality_officer: {name: 质控员}
      general_manager: {name: 总经理}
    quality_department: quality
    references:
      - {id: consumer-law, kind: law, title: 中华人民共和国消费者权益保护法}
      - {id: food-law, kind: law, title: 中华人民共和国食品安全法, module: canteen}
      - {id: service-eval, kind: standard, title: 服务质量评价通则, number: GB/T 36733-2018}
      - {id: contract-rule, kind: rule, title: 侵害消费者权益行为处罚办法}
    """

GENERAL = """\
    id: mini.general
    family: general
    articles:
      - id: scope
        order: 20
        text: "本制度适用于{{ company.short_name }}全体员工。"
    """

STANDARDS = """\
    id: mini.standards.service
    family: standards
    title: 服务标准
    order: 10
    articles:
      - id: conduct
        title: 服务行为
        text: "员工应当遵守{{ cite('consumer-law') }}，由{{ org.roles.quality_officer }}督查。"
      - id: evaluation
        title: 服务评价
        text: "服务评价参照{{ cite('service-eval') }}，{{ org.roles.quality_officer }}每月汇总。"
      - id: canteen
        title: 食堂卫生
        module: canteen
        text: "食堂执行{{ cite('food-law') }}。"
    """

ORGANIZATION = """\
    id: mini.controls.organization
    family: controls
    title: 组织与职责
    order: 10
    articles:
      - id: duties
        title: 职责分工
        text: "服务质量管理职责分工如下："
        block:
          kind: duties
          duties:
            - unit: "{{ org.departments.quality }}"
              role: executes
              duties: ["组织服务质量检查"]
            - unit: "{{ org.roles.quality_officer }}"
              role: supervises
              duties: ["督查服务行为"]
    """

INSPECTION = """\
    id: mini.controls.inspection
    family: controls
    title: 检查与考核
    order: 20
    articles:
      - id: scoring
        title: 扣分
        text: "重复违规的扣分为：基础分×［1＋（N−1）{{ params.penalty.repeat_multiplier | factor }}］。"
      - id: channels
        title: 投诉渠道
        text: "投诉可以向{{ ['前台', '热线', '网站'] | join_cn }}提出，按时办结率不低于{{ params.kpi.closure_rate }}%。"
    """

SUPPLEMENTARY = """\
    id: mini.supplementary
    family: supplementary
    articles:
      - id: records
        order: 70
        text: "本制度所附表单由{{ org.departments.quality }}保存。"
    """


def _form(ident: str, code: str, title: str, clauses: list[str]) -> str:
    return yaml.safe_dump({"id": f"mini.{ident}", "title": title, "code": code, "clauses": clauses,
                           "sections": [{"id": "main", "fields": [{"id": "note", "label": "记录"}]}]},
                          allow_unicode=True)


def _checklist(ident: str, code: str, title: str) -> str:
    return yaml.safe_dump({"id": f"mini.{ident}", "title": title, "code": code,
                           "bands": [{"grade": "合格", "min": 60}, {"grade": "不合格", "min": 0}],
                           "sections": [{"id": "main", "title": "检查", "items": [
                               {"id": "conduct", "text": "服务行为", "clauses": ["mini.standards.service.conduct"]}]}]},
                          allow_unicode=True)


FILES: dict[str, str] = {
    "industry.yaml": INDUSTRY,
    "rules/00-general.yaml": GENERAL,
    "rules/10-standards.yaml": STANDARDS,
    "rules/60-controls-organization.yaml": ORGANIZATION,
    "rules/61-controls-inspection.yaml": INSPECTION,
    "rules/90-supplementary.yaml": SUPPLEMENTARY,
    "forms/a-complaints.yaml": _form("complaints", "F10", "投诉登记表", [
        "mini.controls.inspection.channels", "mini.standards.service.conduct", "mini.controls.inspection.channels"]),
    "forms/b-visits.yaml": _form("visits", "F2", "回访记录表", ["mini.standards.service.evaluation"]),
    "checklists/a-service.yaml": _checklist("service", "C3", "服务行为检查表"),
    "checklists/b-hygiene.yaml": _checklist("hygiene", "C1", "卫生检查表"),
}


def write_pack(root: Path, files: dict[str, str] | None = None) -> Path:
    """Write the pack into ``root``, ``files`` (path → text) replacing or adding files; returns ``root``."""
    for rel, text in {**FILES, **(files or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def profile_data(**document: Any) -> dict[str, Any]:
    """A client of the mini industry; ``document`` fields override the defaults."""
    return {
        "id": "mini-client", "industry": "mini", "modules": [],
        "company": {"name": "某某迷你服务有限公司", "short_name": "某某迷你"},
        "organization": {"roles": {"quality_officer": "质控员（由运营部经理兼任）"}},
        "document": {"number": "MINI-001", "version": "A/0", "prepared_by": "质量管理部", "reviewed_by": "副总经理",
                     "approved_by": "总经理", "effective_date": "2026-01-01", **document},
    }
