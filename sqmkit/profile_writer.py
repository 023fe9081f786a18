"""``sqmkit profile new``: a complete client profile, every field written with a Chinese comment.

The profile is written as YAML text by a small emitter (:mod:`sqmkit.yamlemit`, not a YAML
library's dump), so each field gets its comment where it belongs and every string is quoted so
that YAML reads it back unchanged. What is written:

* every department and term of the industry at its default name, and every post not tied to a
  department; a post tied to a department is written as a comment, since its name follows the
  department's (department name + title) as long as the profile does not set it;
* every declared parameter at its default value, with its meaning, type, unit and range; a group
  named after a module (``cod``, ``spa``) only when that module is switched on;
* document control with placeholders that pass ``sqmkit check``; optional fields that name files
  (logo, template folder) or would print a placeholder (address) as comments.

The file is written atomically and never replaces an existing file unless asked to.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SqmkitError
from .localized import DEFAULT_LANGUAGE
from .messages import _
from .reference import item_range, module_of, text_in
from .yamlemit import Emitter, scalar

if TYPE_CHECKING:  # pragma: no cover
    from .schema import Industry, ParamSpec

#: the company name written when none is given: a placeholder that passes the checks
PLACEHOLDER_COMPANY = "某某有限公司"
#: legal-form endings left out of the short name (the longest first)
COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "公司")

TYPE_NAMES = {"integer": "整数", "number": "数值（可带小数）", "percent": "百分数", "text": "文字",
              "texts": "文字列表（每项一个字符串）", "scale": "等级档次列表", "boolean": "是/否（true/false）"}
SCALE_NOTE = ("每档：grade 等级名称，min 获得该等级的最低得分（百分制），label 等级说明，consequence 评定后的处理；"
              "各档按 min 从高到低排列，最后一档的 min 为 0")


class ProfileWriteError(SqmkitError):
    """A profile could not be written (the file exists, the folder is missing …)."""


@dataclass
class ProfileOptions:
    """What ``sqmkit profile new`` was asked for."""

    client_id: str
    modules: list[str] = field(default_factory=list)
    company: str = PLACEHOLDER_COMPANY
    language: str = DEFAULT_LANGUAGE
    date: dt.date = field(default_factory=dt.date.today)


# ---------------------------------------------------------------------------------------------
# The profile, part by part
# ---------------------------------------------------------------------------------------------


def short_name(company: str) -> str:
    """``某某快递有限公司`` → ``某某快递``: the company name without its legal form."""
    suffix = next((s for s in COMPANY_SUFFIXES if company.endswith(s)), "")
    return company[: -len(suffix)] if suffix and len(company) > len(suffix) else company


def client_id_from(path: str | Path) -> str:
    """A client id made from a file name: ``clients/Acme Corp.yaml`` → ``acme-corp``."""
    slug = re.sub(r"[^a-z0-9]+", "-", Path(path).stem.lower()).strip("-")[:63].strip("-")
    return slug or "client"


def _head(em: Emitter, industry: "Industry", opts: ProfileOptions) -> None:
    lang = opts.language
    em.comment(0, f"客户档案（profile）：{text_in(industry.name, DEFAULT_LANGUAGE)}（{industry.id}）")
    em.comment(0, f"由 sqmkit profile new {industry.id} 生成。每个字段上方的注释说明其含义、单位和取值范围；"
                  "修改后运行 sqmkit check 本文件 检查，sqmkit industries show "
                  f"{industry.id} 列出本行业的全部部门、岗位、称谓和参数。")
    em.blank()
    em.field(0, "id", opts.client_id, "客户标识：小写字母、数字和连字符（不含点、斜杠和空格），用作输出文件夹名和存储中的键")
    em.mapping(0, "company", "公司信息")
    em.field(2, "name", opts.company, "公司全称，印在封面和文件控制栏；请改为客户公司的全称")
    em.field(2, "short_name", short_name(opts.company), "公司简称，用于页眉和正文")
    em.comment(2, "公司地址（可选），印在封面；需要时去掉下一行行首的“# ”并填写")
    em.commented(2, "address", "某省某市某区某路1号")
    em.field(0, "industry", industry.id, "行业：所用的行业插件（sqmkit industries 列出已安装的全部行业）")
    known = "、".join(f"{m.id}（{text_in(m.name, DEFAULT_LANGUAGE)}）" for m in industry.modules) or "无"
    em.field(0, "modules", list(opts.modules), f"启用的可选模块（列表，可为空 []）；本行业可选：{known}")
    em.field(0, "language", lang, "文档语言：zh-CN（简体中文）或 en（英文，仅当所用插件带有全部英文内容时可用）")


def _name(value: Any, lang: str) -> str:
    return str(text_in(value, lang)) if value else ""


def _organization(em: Emitter, industry: "Industry", lang: str) -> None:
    names = industry.default_names(lang)
    em.blank()
    em.mapping(0, "organization", "组织机构：按键（key）写本公司的部门、岗位和机构称谓的名称；键不可增删改，名称可改。"
                                  "未写的键取行业默认名称")
    em.mapping(2, "departments", "部门：键 → 本公司的部门名称；改名后，隶属该部门的岗位名称随之改变")
    for key, unit in industry.departments.items():
        em.field(4, key, names[f"departments.{key}"], _org_note(unit.meaning, key, "部门"))
    _roles(em, industry, names)
    if industry.terms:
        em.mapping(2, "terms", "机构称谓：正文中称呼本机构所用的词，如机构类别、简称用字")
        for key, term in industry.terms.items():
            em.field(4, key, names[f"terms.{key}"], _org_note(term.meaning, key, "称谓"))
    else:
        em.field(2, "terms", {}, "机构称谓：本行业未声明可改的称谓")


def _org_note(meaning: Any, key: str, kind: str) -> str:
    return _name(meaning, DEFAULT_LANGUAGE) or f"{kind} {key}"


def _roles(em: Emitter, industry: "Industry", names: dict[str, str]) -> None:
    free = [k for k, p in industry.roles.items() if not p.department]
    note = ("岗位：键 → 本公司的岗位名称。隶属某部门的岗位（以“# ”开头的行）名称自动取“部门名称＋职务”，"
            "随部门改名而改变；只有需要另定名称时才去掉行首的“# ”并填写")
    if free:
        em.mapping(2, "roles", note)
    else:
        em.field(2, "roles", {}, note)
    for key, post in industry.roles.items():
        meaning = _org_note(post.meaning, key, "岗位")
        if post.department:
            em.comment(4, f"{meaning}（隶属部门 {post.department}，默认名称为该部门名称＋“{_name(post.title, DEFAULT_LANGUAGE)}”）")
            em.commented(4, key, names[f"roles.{key}"])
        else:
            em.field(4, key, names[f"roles.{key}"], meaning)


def parameter_note(spec: "ParamSpec") -> str:
    """The comment on one parameter: meaning, type, unit, range (and how a grade scale reads)."""
    parts = [_name(spec.meaning, DEFAULT_LANGUAGE).rstrip("。")]
    parts.append("类型：" + TYPE_NAMES.get(spec.type, spec.type))
    if spec.unit:
        parts.append("单位：" + _name(spec.unit, DEFAULT_LANGUAGE))
    low, high = spec.bounds()
    if low is not None or high is not None:
        parts.append("取值范围：" + _span(low, high))
    fewest, most = item_range(spec)
    if fewest is not None or most is not None:
        parts.append("项数：" + _span(fewest, most))
    if spec.type == "scale":
        parts.append(SCALE_NOTE)
    return "；".join(parts) + "。"


def _span(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return f"{low}～{high}"
    return f"不小于 {low}" if low is not None else f"不大于 {high}"


def _parameters(em: Emitter, industry: "Industry", opts: ProfileOptions) -> None:
    specs = [s for s in industry.parameter_specs()
             if module_of(s.path, industry) in (None, *opts.modules)]
    left_out = [m.id for m in industry.modules if m.id not in opts.modules
                and any(module_of(s.path, industry) == m.id for s in industry.parameter_specs())]
    note = "参数：下面列出全部参数及其默认值；删去某项即取行业默认值"
    if left_out:
        note += "。未启用模块的参数组（" + "、".join(left_out) + "）未列出，启用模块后可按 sqmkit industries show 补充"
    em.blank()
    if not specs:
        em.field(0, "parameters", {}, note)
        return
    em.mapping(0, "parameters", note)
    opened: list[str] = []
    for spec in specs:
        *groups, leaf = spec.path.split(".")
        common = 0
        while common < min(len(opened), len(groups)) and opened[common] == groups[common]:
            common += 1
        opened = opened[:common]
        for depth in range(common, len(groups)):
            em.mapping(2 + 2 * depth, groups[depth], _group_note(".".join(groups[: depth + 1]), industry))
            opened.append(groups[depth])
        em.field(2 + 2 * len(groups), leaf, _param_value(spec, opts.language), parameter_note(spec))


def _group_note(path: str, industry: "Industry") -> str:
    module = module_of(path, industry)
    if module:
        return f"参数组 {path}：仅在启用模块 {module} 时使用"
    return f"参数组 {path}"


def _param_value(spec: "ParamSpec", lang: str) -> Any:
    return text_in(spec.default, lang)


def _document(em: Emitter, industry: "Industry", opts: ProfileOptions) -> None:
    lang = opts.language
    prepared = _preparing_department(industry, lang)
    approver, reviewer = _signing_posts(industry, lang)
    number = re.sub(r"[^A-Z0-9]+", "-", opts.client_id.upper())[:24].strip("-") + "-QM-001"
    em.blank()
    em.mapping(0, "document", "文件控制：印在封面的文件控制栏，并用于版本记录")
    em.field(2, "number", number, "文件编号，最长 40 个字符；请按本公司的文件编号规则填写")
    em.field(2, "version", "A/0", "版本号（用引号括起，如 \"A/0\"、\"1.0\"，以免被读成数字）")
    em.field(2, "title", _name(industry.title, lang) if industry.title else "服务质量管理制度", "文件名称（可选）；不写则用行业默认名称")
    em.field(2, "prepared_by", prepared, "编制：负责编制本制度的部门或岗位名称")
    em.field(2, "reviewed_by", reviewer, "审核：审核本制度的岗位名称")
    em.field(2, "approved_by", approver, "批准：批准发布本制度的岗位名称")
    em.field(2, "effective_date", opts.date, "生效日期，写作 年-月-日，如 2026-01-31；在 1990-01-01 至 2100-12-31 之间")
    em.comment(2, "发布日期（可选），写法同上；不写则取最后一条修订记录的日期")
    em.commented(2, "issued_date", opts.date)
    em.field(2, "controlled_copy", True, "是否为受控文件（true 受控，false 非受控）；受控文件的封面印“受控”章")
    em.field(2, "copy_number", "001", "受控文件的分发号（可选）")
    em.field(2, "holder", prepared, "持有部门（可选）：本份文件的持有者")
    em.field(2, "owner", prepared, "解释部门（可选）：负责解释本制度的部门")
    em.mapping(2, "revisions", "修订记录：每次发布一条，按日期先后排列")
    first_issue = "首次发布" if lang == DEFAULT_LANGUAGE else "First issue"
    em.lines += ["    - version: " + scalar("A/0") + "  # 版本号",
                 "      date: " + scalar(opts.date) + "  # 发布日期",
                 "      description: " + scalar(first_issue) + "  # 修订说明"]


def _preparing_department(industry: "Industry", lang: str) -> str:
    """The department that prepares the regulation: the industry's declared quality department,
    else one whose key says quality."""
    keys = list(industry.departments)
    key = industry.quality_department or next((k for k in keys if "quality" in k or k.startswith("qc")),
                                              keys[0] if keys else None)
    return industry.default_names(lang)[f"departments.{key}"] if key else "质量管理部门"


def _signing_posts(industry: "Industry", lang: str) -> tuple[str, str]:
    """(approver, reviewer): the first two posts not tied to a department."""
    names = industry.default_names(lang)
    free = [k for k, p in industry.roles.items() if not p.department] or list(industry.roles)
    if not free:
        return "总经理", "分管副总经理"
    approver = names[f"roles.{free[0]}"]
    return approver, names[f"roles.{free[1]}"] if len(free) > 1 else approver


def _branding(em: Emitter) -> None:
    em.blank()
    em.mapping(0, "branding", "外观")
    em.comment(2, "徽标文件（可选）：.png、.jpg 或 .svg，路径相对于本文件所在的文件夹；需要时去掉下一行行首的“# ”")
    em.commented(2, "logo", "logo.png")
    em.field(2, "color", "#1f4e79", "主色：网页和封面所用的颜色，写作 \"#RRGGBB\"")
    em.comment(2, "印刷字体（可选）：按 fontconfig 字体名指定正文（body）和标题（headings）字体；不写则正文用"
                  "已安装的宋体类（Noto Serif CJK SC）、标题用黑体类（Noto Sans CJK SC）。需要时去掉下面三行行首的“# ”")
    em.lines += ["  # fonts:", "  #   body: " + scalar("Noto Serif CJK SC"), "  #   headings: " + scalar("Noto Sans CJK SC")]
    em.mapping(2, "print", "PDF 版式")
    em.field(4, "toc", "chapters", "目录列到哪一级：chapters（章）或 articles（条）")
    em.field(4, "colour", "cover", "主色印在哪里：cover（仅封面）或 headings（封面和标题）；其余为黑色")
    em.field(4, "front_numbers", "roman", "封面后、正文前各页的页码：roman（罗马数字）或 none（不印）")
    em.field(4, "bind_forms", False, "是否把空白表单作为附件装订在手册之后（true/false）；forms.pdf 照常单独生成")
    em.comment(0, "模板覆盖文件夹（可选），路径相对于本文件所在的文件夹；需要时去掉下一行行首的“# ”")
    em.commented(0, "templates", "templates")


def profile_text(industry: "Industry", opts: ProfileOptions) -> str:
    """The complete profile of a new client of ``industry``, as YAML text."""
    em = Emitter()
    _head(em, industry, opts)
    _organization(em, industry, opts.language)
    _parameters(em, industry, opts)
    _document(em, industry, opts)
    _branding(em)
    return em.text()


def write_new(path: str | Path, text: str, *, force: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically (a temporary file in the same folder, then a rename);
    an existing file is replaced only with ``force``."""
    target = Path(path)
    if target.is_dir():
        raise ProfileWriteError(_("{path} is a folder; give the profile's file name").format(path=target))
    if target.exists() and not force:
        raise ProfileWriteError(_("{path} already exists; choose another file name or use --force to replace it")
                                .format(path=target))
    if target.parent.exists() and not target.parent.is_dir():
        raise ProfileWriteError(_("{folder} is not a folder").format(folder=target.parent))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)  # like `-o clients/acme.yaml` in a new place
    except OSError as exc:
        raise ProfileWriteError(_("cannot create the folder {folder}: {reason}").format(
            folder=target.parent, reason=exc.strerror or exc)) from None
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        _move(tmp, target, force)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _move(tmp: str, target: Path, force: bool) -> None:
    """Put the finished file in place: with ``force`` by a rename over the old one, else by a hard
    link, which fails if the file appeared meanwhile (a file system without hard links: a rename
    after checking again)."""
    if force:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise ProfileWriteError(_("{path} already exists; choose another file name or use --force to replace it")
                                .format(path=target)) from None
    except OSError:
        if target.exists():
            raise ProfileWriteError(_("{path} already exists; choose another file name or use --force to replace it")
                                    .format(path=target)) from None
        os.replace(tmp, target)


def new_profile(found: "dict[str, tuple[str, Industry]]", industry_id: str, path: str | Path, *, modules: str = "",
                client_id: str | None = None, company: str | None = None, language: str = DEFAULT_LANGUAGE,
                date: dt.date | None = None, force: bool = False) -> Path:
    """``sqmkit profile new``: check what was asked for, then write the profile to ``path``.

    ``found`` is ``Manager.industries()``; ``modules`` a comma-separated list of module ids."""
    from .profile import EARLIEST_DATE, LATEST_DATE
    from .reference import check_modules, find_industry
    from .strings import check_safe
    from .workspace import CLIENT_ID_RE

    industry = find_industry(found, industry_id)
    chosen = check_modules(industry, [m.strip() for m in modules.split(",") if m.strip()])
    if language not in industry.languages:
        raise ProfileWriteError(_("industry {industry!r} has no {language} content; its languages: {known}").format(
            industry=industry.id, language=language, known=", ".join(industry.languages)))
    cid = client_id if client_id is not None else client_id_from(path)
    if not CLIENT_ID_RE.match(cid):
        raise ProfileWriteError(_("{id!r} is not a valid client id: use lower-case letters, digits and hyphens "
                                  "(no dots, slashes or spaces), at most 63 characters").format(id=cid))
    name = PLACEHOLDER_COMPANY if company is None else company.strip()
    try:
        check_safe(name)
    except ValueError as exc:
        raise ProfileWriteError(_("the company name {problem}").format(problem=exc)) from None
    if not name or len(name) > 200:
        raise ProfileWriteError(_("the company name must have 1 to 200 characters"))
    date = date or dt.date.today()
    if not EARLIEST_DATE <= date <= LATEST_DATE:
        raise ProfileWriteError(_("{value} is not a plausible date: use a date from {first} to {last}").format(
            value=date.isoformat(), first=EARLIEST_DATE.isoformat(), last=LATEST_DATE.isoformat()))
    opts = ProfileOptions(cid, chosen, name, language, date)
    return write_new(path, profile_text(industry, opts), force=force)
