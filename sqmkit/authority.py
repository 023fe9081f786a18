"""Who holds authority over the document: the unit that interprets it (本制度由……负责解释).

It is always a real unit of the client: the profile's document owner (``document.owner``), else
the client's name for the department the industry declares as owning quality
(``quality_department:`` in ``industry.yaml``). Texts print it as ``{{ doc.owner }}``; when
neither resolves, the profile is refused at check time (:func:`owner_problem`), never filled in
with an invented unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .messages import _

if TYPE_CHECKING:  # pragma: no cover
    from .industry import Industry
    from .model import OrgNames
    from .profile import Profile


def document_owner(profile: "Profile", industry: "Industry", org: "OrgNames") -> str | None:
    """The unit that owns (interprets) the document, in the client's names; ``None`` when the
    profile names none and the industry declares no quality department."""
    if profile.document.owner:
        return str(profile.document.owner)
    if industry.quality_department is not None:
        return org.departments.get(industry.quality_department)
    return None


def owner_problem(profile: "Profile", industry: "Industry") -> str | None:
    """Why no unit can interpret the document, or ``None`` when one can."""
    if profile.document.owner or industry.quality_department is not None:
        return None
    return _("the profile names no document owner (document.owner), and industry {industry!r} declares no "
             "quality_department: name the department that interprets the regulation").format(
        industry=industry.id)
