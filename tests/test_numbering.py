from sqmkit.i18n import format_date, zh_numeral
from sqmkit.numbering import article_label, chapter_label, item_label


def test_chinese_numerals():
    assert [zh_numeral(n) for n in (1, 9, 10, 11, 19, 20, 21, 99, 100, 101, 110, 120)] == [
        "一", "九", "十", "十一", "十九", "二十", "二十一", "九十九", "一百", "一百零一", "一百一十", "一百二十"]


def test_labels_zh_and_en():
    assert chapter_label(3, "zh-CN") == "第三章"
    assert article_label(12, "zh-CN") == "第十二条"
    assert [item_label(level, 2, "zh-CN") for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "(2)"]
    assert chapter_label(3, "en") == "Chapter 3"
    assert item_label(1, 3, "en") == "(c)"


def test_dates():
    import datetime as dt

    assert format_date(dt.date(2026, 12, 1)) == "2026年12月1日"
    assert format_date(dt.date(2026, 12, 1), "en") == "1 December 2026"


def test_numbers_follow_the_model_and_are_continuous(demo_build):
    from sqmkit.numbering import Numbering

    reg = demo_build.regulation
    num = Numbering.of(reg)
    articles = [a for ch in reg.chapters for a in ch.articles]
    assert num.label[articles[0].id] == "第一条"
    assert num.label[articles[-1].id] == article_label(len(articles), "zh-CN")
    assert num.label[reg.chapters[0].id] == "第一章"
    assert reg.chapters[0].title == "总则" and reg.chapters[-1].title == "附则"
