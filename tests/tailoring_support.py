"""Shared by test_tailoring.py and test_tailoring_property.py: profiles that rename every
department, post and term of an industry, and reading every output back as one text."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Iterable

import yaml

import sqmkit_clinic
import sqmkit_courier
import sqmkit_hospitality
from sqmkit import Industry, get_plugin_manager, pdf_text
from sqmkit.lint.rules.literals import OrgName, literal_forms, org_names

PACKAGES = {"courier": sqmkit_courier, "clinic": sqmkit_clinic, "hospitality": sqmkit_hospitality}
#: the plugin's own constraint on scales: clinic pays one coefficient per department band
FIXED_BANDS = {("clinic", "grading.department"): 4}
ORG_RE = re.compile(r"org\.(departments|roles|terms)\.([a-z][a-z0-9_]*)")
#: characters new names are made of; those in any default name or compound are left out below
CANDIDATES = "甲乙丙丁戊己庚辛壬癸松竹梅兰菊桃李杏枫柏江河湖海山川云雨雪霜星辰日月金木水火土青赤黄白黑"


def industries() -> dict[str, Industry]:
    return {key: industry for key, (_, industry) in get_plugin_manager().industries().items() if key in PACKAGES}


def defaults(industry: Industry) -> list[OrgName]:
    """Every default name of the industry, in the forms the linter looks for."""
    return org_names(industry)


def name_alphabet(all_industries: Iterable[Industry]) -> str:
    """Characters that occur in no default name, no compound of one and no affix of a short term."""
    banned = set("全本我该内外领导")
    for industry in all_industries:
        for name in org_names(industry):
            banned.update(*name.forms, name.name)
    alphabet = "".join(c for c in CANDIDATES if c not in banned)
    assert len(alphabet) >= 12, alphabet
    return alphabet


def fixed_names(industry: Industry, alphabet: str) -> dict[str, str]:
    """A distinct three-character name for every department, post and term key."""
    keys = sorted(industry.default_names())
    n = len(alphabet)
    names = {key: alphabet[i % n] + alphabet[(i // n) % n] + alphabet[(i * 7 + 3) % n] for i, key in enumerate(keys)}
    assert len(set(names.values())) == len(names)
    return names


def renamed_profile(industry_id: str, names: dict[str, str], scales: dict[str, list[dict[str, Any]]] | None = None,
                    client_id: str = "tailored") -> dict[str, Any]:
    """The industry's demo profile with every module on, every department, post and term named by
    ``names`` (``{"departments.office": …}``), the person fields named neutrally and ``scales``
    (dotted parameter path → bands) replacing grade scales."""
    package = PACKAGES[industry_id]
    data = yaml.safe_load(Path(package.DEMO_PROFILE).read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["id"] = client_id
    industry = industries()[industry_id]
    data["modules"] = industry.module_ids()
    org: dict[str, dict[str, str]] = {"departments": {}, "roles": {}, "terms": {}}
    for key, name in names.items():
        part, _, local = key.partition(".")
        org[part][local] = name
    data["organization"] = org
    data["company"] = {"name": "青松有限公司", "short_name": "青松", "address": "某省某市青松路1号"}
    first = names[sorted(names)[0]] if names else "质量组"
    doc = data["document"]
    doc.update(prepared_by=first, reviewed_by=first, approved_by=first, holder=first, owner=first)
    doc.pop("title", None)
    doc["revisions"] = [{"version": doc["version"], "date": str(doc["effective_date"]), "description": "首次发布"}]
    data.pop("branding", None)
    params = data.setdefault("parameters", {})
    for path, bands in (scales or {}).items():
        node = params
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = bands
    return data


def used_keys(industry_id: str, where: tuple[str, ...] = ("rules", "forms", "checklists", "industry.yaml")) -> set[str]:
    """The department, post and term keys the plugin's texts name (``departments.office`` …), in
    the data folders (and files) ``where``."""
    root = Path(PACKAGES[industry_id].__file__).parent
    found: set[str] = set()
    for path in sorted(root.glob("*/*.yaml")) + [root / "industry.yaml"]:
        if path.parent.name not in where and path.name not in where:
            continue
        found.update(f"{part}.{key}" for part, key in ORG_RE.findall(path.read_text(encoding="utf-8")))
    return found


def flat(text: str) -> str:
    """Text without whitespace (the PDF reader spaces out and wraps CJK lines)."""
    return re.sub(r"\s+", "", text)


def output_text(out_dir: Path) -> dict[str, str]:
    """Every output of a build as text without whitespace, by relative path: PDFs read back,
    HTML pages as they are."""
    out: dict[str, str] = {}
    for path in sorted(out_dir.rglob("*")):
        if path.suffix == ".pdf":
            out[path.relative_to(out_dir).as_posix()] = flat(pdf_text(path))
        elif path.suffix == ".html":
            out[path.relative_to(out_dir).as_posix()] = flat(path.read_text(encoding="utf-8"))
    return out


def leaks(texts: dict[str, str], names: list[OrgName]) -> list[str]:
    """``file: default name`` for every default name (in any of its forms) found in ``texts``."""
    return [f"{rel}: {form} ({name.key})" for rel, text in texts.items() for name in names for form in name.forms
            if form in text]


__all__ = ["PACKAGES", "FIXED_BANDS", "industries", "defaults", "name_alphabet", "fixed_names", "renamed_profile",
           "used_keys", "flat", "output_text", "leaks", "literal_forms"]
