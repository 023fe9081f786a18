"""Parsed plugin data kept between processes (sqmkit.yamlcache, over sqmkit.diskcache): a file
read from the cache is the file read afresh — same values, same line of every field — and an
entry that is not whole, or a file that changed, is read afresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Sequence

import pytest
import yaml

from sqmkit import DataError, diskcache, messages, yamlcache
from sqmkit.yamlio import YamlDoc, load_yaml
from sqmkit.yamlsafe import compose_and_construct

ROOT = Path(__file__).resolve().parents[1]
YAML_FILES = sorted(p for folder in ("plugins", "sqmkit/builtin", "examples", "tests/fixtures")
                    for p in (ROOT / folder).rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SQMKIT_CACHE_DIR", str(folder))
    return folder / "yaml"


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yc")) if folder.is_dir() else []


def reference_line(root: yaml.Node | None, loc: Sequence[str | int]) -> int | None:
    """The line of ``loc`` found on the composed nodes (how YamlDoc found it before line maps)."""
    node, line = root, None
    if node is not None:
        line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if k.value == str(part):
                    nxt, line = v, k.start_mark.line + 1
                    break
            if nxt is None:
                break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def paths(data: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every path into ``data``, and a missing key or index below each container."""
    yield prefix
    if isinstance(data, dict):
        yield (*prefix, "no-such-key")
        for key, value in data.items():
            yield from paths(value, (*prefix, key if isinstance(key, (str, int)) else str(key)))
    elif isinstance(data, list):
        yield (*prefix, len(data))
        for i, value in enumerate(data):
            yield from paths(value, (*prefix, i))


def test_there_are_files_to_compare() -> None:
    assert len(YAML_FILES) > 50


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_kept_file_reads_as_the_file_itself_with_every_line(path: Path, cache: Path) -> None:
    data, root = compose_and_construct(path.read_text(encoding="utf-8"))
    fresh = load_yaml(path, keep=True)
    kept = load_yaml(path, keep=True)
    assert fresh.data == data and kept.data == data
    for loc in paths(data):
        assert fresh.line_of(loc) == kept.line_of(loc) == reference_line(root, loc), loc


def test_the_second_read_comes_from_the_cache(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("id: a\ntitle: 总则\narticles:\n  - id: b\n    text: 第一条\n", encoding="utf-8")
    assert load_yaml(path, keep=True).data["title"] == "总则"
    (entry,) = entries(cache)
    # an entry written the cache's own way is what the next read returns: the file is not parsed
    diskcache.write(entry, __import__("marshal").dumps(({"id": "planted"}, (1, {"id": (1, 1)}))))
    assert load_yaml(path, keep=True).data == {"id": "planted"}
    assert load_yaml(path).data["id"] == "a"  # a file not meant to be kept is always parsed


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "foreign"])
def test_an_entry_that_is_not_whole_is_read_afresh_and_written_again(tmp_path: Path, cache: Path,
                                                                      damage: str) -> None:
    path = tmp_path / "forms.yaml"
    path.write_text("id: f\nfields: [1, 2.5, true, null, 'x']\n", encoding="utf-8")
    expected = load_yaml(path, keep=True).data
    (entry,) = entries(cache)
    blob = entry.read_bytes()
    entry.write_bytes({"truncate": blob[:-3], "flip": blob[:-1] + bytes([blob[-1] ^ 1]), "empty": b"",
                       "foreign": b"\x00" * len(blob)}[damage])
    doc = load_yaml(path, keep=True)
    assert doc.data == expected and doc.line_of(["fields", 1]) == 2
    assert entry.read_bytes() == blob


def test_a_changed_file_is_read_afresh(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "industry.yaml"
    path.write_text("id: one\n", encoding="utf-8")
    assert load_yaml(path, keep=True).data == {"id": "one"}
    path.write_text("id: two\n", encoding="utf-8")
    assert load_yaml(path, keep=True).data == {"id": "two"}
    assert len(entries(cache)) == 2


def test_what_is_not_plain_data_and_what_is_wrong_is_not_kept(tmp_path: Path, cache: Path) -> None:
    dated = tmp_path / "dated.yaml"
    dated.write_text("effective: 2026-01-31\n", encoding="utf-8")
    assert str(load_yaml(dated, keep=True).data["effective"]) == "2026-01-31"
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\na: 2\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataError, match="duplicate key"):
            load_yaml(bad, keep=True)
    assert entries(cache) == []


def test_an_empty_cache_setting_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQMKIT_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "a.yaml"
    path.write_text("a: [1, 2]\n", encoding="utf-8")
    assert load_yaml(path, keep=True).data == load_yaml(path, keep=True).data == {"a": [1, 2]}
    assert diskcache.cache_dir("yaml") is None and not (tmp_path / "xdg").exists()


def test_aliases_stay_shared_and_their_lines_are_the_anchors(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "alias.yaml"
    path.write_text("base: &b\n  x: 1\n  y: [2, 3]\ncopy: *b\n", encoding="utf-8")
    fresh, kept = load_yaml(path, keep=True), load_yaml(path, keep=True)
    assert kept.data == fresh.data and kept.data["copy"] is kept.data["base"]
    assert kept.line_of(["copy", "y", 1]) == fresh.line_of(["copy", "y", 1]) == 3


def test_the_line_map_of_a_document_given_as_nodes_is_the_same(tmp_path: Path) -> None:
    text = "a:\n  - b: 1\n    c: [x, y]\n  - 2\n"
    data, root = compose_and_construct(text)
    assert root is not None
    doc = YamlDoc(tmp_path / "x.yaml", data, root)
    assert doc.line_of(["a", 0, "c", 1]) == 3 and doc.line_of(["a", 1]) == 4
    assert YamlDoc(tmp_path / "x.yaml", data, yamlcache.line_map(root)).line_of(["a", 1]) == 4


def test_the_message_catalog_is_compiled_once_and_read_back_the_same(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQMKIT_CACHE_DIR", str(tmp_path))
    po = messages.catalog_path("zh-CN").read_bytes()
    first = messages._compiled(po, "zh-CN")
    (entry,) = (tmp_path / "messages").glob("*.mo")
    assert messages._compiled(po, "zh-CN") == first
    entry.write_bytes(entry.read_bytes()[:100])  # a torn entry is compiled again
    assert messages._compiled(po, "zh-CN") == first
    monkeypatch.setenv("SQMKIT_CACHE_DIR", "")
    assert messages._compiled(po, "zh-CN") == first
