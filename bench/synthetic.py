"""A synthetic plugin and profile that make a handbook of about 300 pages, for the benchmarks.

Generated at bench time into a temporary folder, never kept in the repository: the courier
plugin's data is copied, and each of its chapters (but 总则 and 附则, which merge) is repeated
``copies`` times under new chapter ids, so every clause, table and reference of the real pack
appears many times over. The pack is registered in-process through the public plugin API,
in place of the installed plugins, and the profile is the courier demo's.

    from synthetic import make
    mgr, profile = make(Path(tmp), copies=14)
    sqmkit.build(profile, out, ["pdf"], mgr=mgr)
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

#: chapters merged into 总则/附则 are not repeated: the copies would merge into one
_MERGED = ("general", "supplementary")


def _copies_of(text: str, copies: int) -> list[str]:
    """The rules file ``text`` repeated under chapter ids ``<id>-x2`` … and titles marked （续n）."""
    chapter_id = re.search(r"^id:\s*(\S+)\s*$", text, re.M)
    title = re.search(r"^title:\s*(.+?)\s*$", text, re.M)
    if chapter_id is None or title is None:
        return []
    out = []
    for n in range(2, copies + 1):
        copy = text.replace(chapter_id.group(0), f"id: {chapter_id.group(1)}-x{n}", 1)
        copy = copy.replace(title.group(0), f"title: {title.group(1)}（续{n}）", 1)
        out.append(copy)
    return out


def make(root: Path, copies: int = 14) -> tuple[Any, Path]:
    """Write the synthetic pack and profile below ``root``; returns a plugin manager holding the
    pack (and the core's default plugin, no installed plugins) and the profile's path."""
    import sqmkit_courier

    from sqmkit import DataPack, get_plugin_manager

    source = Path(sqmkit_courier.plugin.root)
    pack = root / "synthetic_pack"
    shutil.copytree(source, pack, ignore=shutil.ignore_patterns("__pycache__", "*.py", "examples"))
    for rules in sorted((pack / "rules").glob("*.yaml")):
        text = rules.read_text(encoding="utf-8")
        if re.search(rf"^family:\s*({'|'.join(_MERGED)})\s*$", text, re.M):
            continue
        for n, copy in enumerate(_copies_of(text, copies), 2):
            rules.with_name(f"{rules.stem}-x{n:02d}.yaml").write_text(copy, encoding="utf-8")
    demo = Path(sqmkit_courier.DEMO_PROFILE)
    for item in demo.parent.iterdir():
        if item.is_file():
            shutil.copy(item, root / item.name)
    mgr = get_plugin_manager([("synthetic", DataPack(pack, version="0"))], load_entry_points=False)
    return mgr, root / demo.name
