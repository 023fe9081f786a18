"""The one safe-string type for everything a client writes.

Profile strings end up inside clause texts, where the core marks cross-references with control
characters (see :mod:`sqmkit.textrender`). A profile string that carried such a character could
forge a reference, so every string of a profile — fields, organization names, parameter keys and
values — is one of the types below, each validated by :func:`check_safe`. A test walks the
profile schema and fails on any ``str`` field that is not :data:`SafeStr`.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator

from .schema import Text

#: the longest string a profile may hold
MAX_LENGTH = 2000
#: control, format, surrogate and private-use characters are refused (tab and newline are fine)
_REFUSED_CATEGORIES = ("Cc", "Cf", "Cs", "Co")


def check_safe(value: str) -> str:
    """Refuse control characters and over-long strings; return the string unchanged."""
    for ch in value:
        if unicodedata.category(ch) in _REFUSED_CATEGORIES and ch not in "\n\t":
            raise ValueError(f"contains a control character U+{ord(ch):04X}")
    if len(value) > MAX_LENGTH:
        raise ValueError(f"is longer than {MAX_LENGTH} characters")
    return value


def check_safe_tree(value: Any) -> Any:
    """:func:`check_safe` on every string (keys included) of nested mappings and lists."""
    if isinstance(value, str):
        check_safe(value)
    elif isinstance(value, dict):
        for key, sub in value.items():
            check_safe_tree(key)
            check_safe_tree(sub)
    elif isinstance(value, list):
        for sub in value:
            check_safe_tree(sub)
    return value


#: a profile string
SafeStr = Annotated[str, AfterValidator(check_safe)]
#: a tree of parameter values whose strings are all safe
SafeTree = Annotated[dict[str, Any], AfterValidator(check_safe_tree)]


def check_safe_text(value: Text) -> Text:
    check_safe_tree(dict(value))
    return value


#: a profile's localizable string (``营运部`` or ``{zh-CN: 营运部, en: Operations}``)
SafeText = Annotated[Text, AfterValidator(check_safe_text)]
