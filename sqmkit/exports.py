"""Tables written for spreadsheets: CSV with a byte-order mark (so Excel opens Chinese intact)
and XLSX (openpyxl, imported when used)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Sequence

from .errors import BuildError
from .messages import _


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "；".join(str(v) for v in value)
    return value


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    try:
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows([[_cell(v) for v in row] for row in rows])
    except OSError as exc:
        raise BuildError(_("cannot write {file}: {reason}").format(file=path, reason=exc.strerror or exc)) from None


def write_xlsx(path: Path, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """One sheet: a bold header row, frozen, columns sized to their text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = "A2"
    for i, name in enumerate(header):
        width = max([len(str(name))] + [len(str(_cell(r[i]))) for r in rows[:200]]) * 2
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = min(60, max(8, width))
    try:
        wb.save(path)
    except OSError as exc:
        raise BuildError(_("cannot write {file}: {reason}").format(file=path, reason=exc.strerror or exc)) from None
