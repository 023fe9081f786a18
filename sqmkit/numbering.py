"""Numbering computed at render time: 第一章, 第一条, （一）, 1., (1) — or Chapter 1, Article 1,
(a), (i) in English. Numbers are never stored in the model: switching a module off renumbers.

The Chinese drafting hierarchy is 章 → 条 → 款 → 项 → 目: an article's lead text and closing
paragraph are its 款 (unnumbered paragraphs), its items are 项 numbered （一）（二）, and items nested
in an item are 目 numbered 1. 2.; deeper levels get (1) (2). A reference names them the same way:
第三条第二项, 第三条第二项第1目.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import alpha, messages, roman, zh_numeral
from .model import ItemNode, Regulation


def item_label(level: int, n: int, lang: str) -> str:
    """The label of the ``n``-th entry of the general list scheme at ``level`` (1-based):
    一、 → （一） → 1. → (1) in Chinese, (a) → (i) → 1. → (1) in English."""
    if lang == "en":
        return [f"({alpha(n)})", f"({roman(n)})", f"{n}.", f"({n})"][min(level, 4) - 1]
    return [f"{zh_numeral(n)}、", f"（{zh_numeral(n)}）", f"{n}.", f"({n})"][min(level, 4) - 1]


def clause_item_label(depth: int, n: int, lang: str) -> str:
    """The label of the ``n``-th item at ``depth`` inside an article (1 = an article's own items):
    a 项 is （一）, a 目 is 1., deeper (1). English keeps (a), (i), 1., (1)."""
    return item_label(depth if lang == "en" else depth + 1, n, lang)


def chapter_label(n: int, lang: str) -> str:
    return f"Chapter {n}" if lang == "en" else f"第{zh_numeral(n)}章"


def article_label(n: int, lang: str) -> str:
    return f"Article {n}" if lang == "en" else f"第{zh_numeral(n)}条"


def _item_ref(parent_ref: str, depth: int, n: int, own: str, lang: str) -> str:
    """A reference to an item: 第三条第二项, 第三条第二项第1目, deeper the label itself."""
    if lang == "en":
        return parent_ref + (f" {own}" if depth == 1 else own.rstrip("."))
    if depth == 1:
        return f"{parent_ref}第{zh_numeral(n)}项"
    if depth == 2:
        return f"{parent_ref}第{n}目"
    return parent_ref + own


@dataclass
class Numbering:
    """Labels for every chapter, article and item of one regulation, and reference texts."""

    lang: str
    label: dict[str, str] = field(default_factory=dict)  # id → own label (第一章 / 第三条 / （一）)
    ref_label: dict[str, str] = field(default_factory=dict)  # id → reference text without 见
    chapter_of: dict[str, int] = field(default_factory=dict)  # clause id → chapter index (0-based)
    check_label: dict[str, str] = field(default_factory=dict)  # check item id → "2.3"
    depth: dict[str, int] = field(default_factory=dict)  # item id → 1 (项), 2 (目), 3 …

    @classmethod
    def of(cls, reg: Regulation) -> "Numbering":
        lang = reg.language
        num = cls(lang)
        msg = messages(lang)
        article_no = 0
        for ci, chapter in enumerate(reg.chapters):
            num.label[chapter.id] = chapter_label(ci + 1, lang)
            num.ref_label[chapter.id] = msg["chapter_ref"].format(n=zh_numeral(ci + 1) if lang != "en" else ci + 1)
            num.chapter_of[chapter.id] = ci
            for article in chapter.articles:
                article_no += 1
                a_label = article_label(article_no, lang)
                num.label[article.id] = a_label
                num.ref_label[article.id] = a_label
                num.chapter_of[article.id] = ci
                num._items(article.items, 1, a_label, ci)
        for checklist in reg.checklists:
            for si, section in enumerate(checklist.sections, 1):
                num.label[section.id] = f"{si}"
                for ii, item in enumerate(section.items, 1):
                    num.check_label[item.id] = f"{si}.{ii}"
        return num

    def _items(self, items: list[ItemNode], depth: int, parent_ref: str, ci: int) -> None:
        for i, item in enumerate(items, 1):
            own = clause_item_label(depth, i, self.lang)
            self.label[item.id] = own
            self.depth[item.id] = depth
            self.chapter_of[item.id] = ci
            ref = _item_ref(parent_ref, depth, i, own, self.lang)
            self.ref_label[item.id] = ref
            self._items(item.items, depth + 1, ref, ci)

    def ref_text(self, clause_id: str, see: bool = True) -> str:
        text = self.ref_label[clause_id]
        return (messages(self.lang)["see"] + text) if see else text
