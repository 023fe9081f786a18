"""A group's site: the portal page over its units' handbooks (:mod:`sqmkit.groupbuild` builds them).

``<out>/<group-id>/index.html`` lists every unit's handbook (company, industry, version, draft or
issued, links to its site, PDF, forms and checklists), shows the group-wide chapters once (the
policy, the group's rules, its organization) and searches every unit's articles at once: one
index made of the portal's own sections and the units' own site indexes less the group's chapter
each unit repeats (so a group rule is found once, on the portal), each result naming its unit.
The portal's wording follows the group profile's ``language`` (zh-CN or en), as a unit's site
follows its profile's. Every link is relative
(``../<unit-id>/index.html``), so the portal works from ``file://`` beside the units' folders.
The folder is written like a unit's build: staged, with a manifest, swapped in atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping

from ..groups import GROUP_CHAPTER, GroupProfile
from ..outdir import MANIFEST, check_target, make_staging, swap_in
from ..search import Entry, build_index, index_script, read_index_script, unit_entries

if TYPE_CHECKING:  # pragma: no cover
    import jinja2

    from ..schema import Industry

#: the portal's own wording, in the group profile's language (the units' words are their handbooks')
PORTAL_WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "units": "各单位服务质量管理制度", "group_chapters": "集团管理规定", "policy": "集团质量方针",
        "rules": "集团总则", "organization": "集团质量管理组织", "body": "机构", "duties": "职责", "company": "单位",
        "industry": "行业", "version": "版本", "status": "状态", "draft": "草稿（未发布）", "issued": "已发布",
        "site": "网页版", "pdf": "PDF", "files": "文件", "forms": "表单", "checklists": "检查表", "forms_pdf": "表单 PDF",
        "not_built": "尚未生成", "search": "搜索", "search_placeholder": "搜索全部单位的条款（按 / 键）",
        "search_results": "搜索结果", "no_results": "没有找到匹配的条款", "skip": "跳到正文", "modules": "模块",
        "colon": "：", "list_sep": "、", "borrowed": "{module}（借用：{industry}）",
    },
    "en": {
        "units": "The units' service quality regulations", "group_chapters": "Group provisions",
        "policy": "Group quality policy", "rules": "Group general rules", "organization": "Group quality organization",
        "body": "Body", "duties": "Duties", "company": "Unit", "industry": "Industry", "version": "Version",
        "status": "Status", "draft": "Draft (not issued)", "issued": "Issued", "site": "Web version", "pdf": "PDF",
        "files": "Files", "forms": "Forms", "checklists": "Checklists", "forms_pdf": "Forms PDF",
        "not_built": "Not built yet", "search": "Search", "search_placeholder": "Search every unit's articles (press /)",
        "search_results": "Search results", "no_results": "No matching article", "skip": "Skip to content",
        "modules": "Modules", "colon": ": ", "list_sep": ", ", "borrowed": "{module} (borrowed from {industry})",
    },
}


def portal_words(lang: str) -> dict[str, str]:
    return PORTAL_WORDS.get(lang, PORTAL_WORDS["zh-CN"])


def module_names(modules: list[str], host: "Industry", industries: "Mapping[str, Industry]", lang: str) -> list[str]:
    """The names of a profile's modules as their industries declare them, in ``lang``: the host's
    own by name, a borrowed one (``hospitality.catering``) as 餐饮服务（借用：酒店与住宿服务）;
    an id no installed industry declares is shown as it is written."""
    w = portal_words(lang)
    names = []
    for ident in modules:
        head, dot, tail = ident.partition(".")
        industry = industries.get(head) if dot else host
        local = tail if dot else ident
        module = next((m for m in industry.modules if m.id == local), None) if industry else None
        if module is None or industry is None:
            names.append(ident)
        elif dot:
            names.append(w["borrowed"].format(module=module.name.get(lang), industry=industry.name.get(lang)))
        else:
            names.append(module.name.get(lang))
    return names


@dataclass(frozen=True)
class Unit:
    """One unit as the portal lists it."""

    id: str
    company: str
    title: str
    industry: str
    #: the modules' names (not ids), borrowed ones naming their industry: :func:`module_names`
    modules: tuple[str, ...]
    version: str
    draft: bool
    #: the files of its build the portal links to (relative to the unit's folder), those present
    links: tuple[tuple[str, str], ...] = ()

    @property
    def built(self) -> bool:
        return any(rel == "index.html" for _k, rel in self.links)


def _group_entry(href: str) -> bool:
    """Whether a unit site's index entry is an article of the group's chapter (the portal shows
    and indexes those once); the unit's own 总则 article saying that they apply is the unit's."""
    fragment = href.partition("#")[2]
    return fragment.startswith(GROUP_CHAPTER + ".") and fragment != f"{GROUP_CHAPTER}.applies"


def group_entries(group: GroupProfile, w: dict[str, str]) -> Iterator[Entry]:
    """The portal's own sections, once: the policy, each of the group's rules, its organization."""
    yield Entry("index.html#group-policy", w["policy"], w["policy"], w["group_chapters"], group.policy)
    for rule in group.rules:
        yield Entry(f"index.html#rule-{rule.id}", w["rules"], rule.title, w["group_chapters"], rule.text)
    if group.organization:
        text = " ".join(f"{b.name} {b.duties}" for b in group.organization)
        yield Entry("index.html#group-organization", w["organization"], w["organization"], w["group_chapters"], text)


def _entries(group: GroupProfile, units: list[Unit], root: Path, w: dict[str, str]) -> Iterator[Entry]:
    yield from group_entries(group, w)
    for unit in units:
        script = root / unit.id / "assets" / "search-index.js"
        if not unit.built or not script.is_file():
            continue
        try:
            index = read_index_script(script.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a unit site without a readable index is listed, not searched
        yield from (e for e in unit_entries(index, f"../{unit.id}/", unit.company) if not _group_entry(e.href))


def write_portal(group: GroupProfile, units: list[Unit], root: Path) -> Path:
    """Write ``root/<group-id>/`` (staged, manifest, swapped in); returns the folder."""
    import jinja2

    from ..coretemplates import core_template_dir

    target = root / group.id
    check_target(target, group.id)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(core_template_dir())), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    staging = make_staging(root, group.id)
    try:
        (staging / "assets").mkdir()
        words = portal_words(group.language)
        page = env.get_template("portal/index.html").render(group=group, units=units, w=words)
        (staging / "index.html").write_text(page, encoding="utf-8")
        for name, template in (("portal.css", "portal/portal.css"), ("search.js", "site/search.js")):
            (staging / "assets" / name).write_text(_raw(env, template), encoding="utf-8")
        index = index_script(build_index(_entries(group, units, root, words)))
        (staging / "assets" / "search-index.js").write_text(index, encoding="utf-8")
        _manifest(staging, group)
        os.chmod(staging, 0o755)
        swap_in(staging, target, group.id)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _raw(env: "jinja2.Environment", name: str) -> str:
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]


def _manifest(staging: Path, group: GroupProfile) -> None:
    files = {p.relative_to(staging).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(staging.rglob("*")) if p.is_file()}
    manifest = {"client": group.id, "group": True, "formats": ["portal"], "units": group.units, "files": files}
    (staging / MANIFEST).write_bytes((json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
                                     .encode("utf-8"))
