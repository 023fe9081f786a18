"""What a rule is: a function from the shared context to findings, with the codes it reports.

Rules run in three stages:

* ``static`` rules read the files only, and always run;
* ``import`` rules import the plugin (they run unless ``--no-assemble``);
* ``assembly`` rules run the core's assembler, and only when no earlier rule found an error
  (the assembler stops at the first problem, which would repeat one already reported).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Literal

from .context import LintContext
from .findings import Finding

Stage = Literal["static", "import", "assembly"]
Check = Callable[[LintContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """One check: ``check(context)`` yields findings whose codes are among ``codes``."""

    name: str
    check: Check
    codes: tuple[str, ...]
    stage: Stage = "static"
