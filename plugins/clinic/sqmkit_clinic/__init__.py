"""sqmkit plugin: medical service (医疗服务) quality regulations for clinics and township health centres.

All content is data in this package (industry.yaml, rules/, forms/, checklists/, examples/); the
pack is the plugin. The one hook of its own checks what the core cannot know: that the
department scale keeps one band per performance-pay coefficient and that the weights of the
quarterly assessment add up to 100.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqmkit import DataPack, hookimpl

if TYPE_CHECKING:  # the models are imported when the hook runs: a build the cache finds up to date
    from sqmkit import Industry, Profile  # imports every plugin but calls no hook

__version__ = "0.2.0"

#: the department scale has exactly this many bands: one performance-pay coefficient each
#: (parameters incentive.pay_factor_excellent/good/fair/poor, printed by clinic.incentives.pay-link)
DEPARTMENT_BANDS = 4
#: the parts of the quarterly assessment (clinic.controls.inspection.quarterly): weights sum to 100
ASSESSMENT_WEIGHTS = ("weight_records", "weight_prescriptions", "weight_service", "weight_safety",
                      "weight_management")


def _get(params: dict[str, Any], path: str) -> Any:
    from sqmkit import MissingParameter, lookup

    try:
        return lookup(params, path)
    except MissingParameter:
        return None


class ClinicPack(DataPack):
    """The clinic's data, plus its own profile checks."""

    @hookimpl
    def validate_profile(self, profile: Profile, industry: Industry) -> list[tuple[str, str]]:
        if profile.industry != "clinic":
            return []
        from sqmkit import effective_parameters

        params = effective_parameters(profile, industry)
        problems = []
        bands = _get(params, "grading.department")
        if isinstance(bands, list) and len(bands) != DEPARTMENT_BANDS:
            problems.append(("parameters.grading.department",
                             f"must have exactly {DEPARTMENT_BANDS} bands (one per performance-pay coefficient "
                             f"incentive.pay_factor_excellent/good/fair/poor), not {len(bands)}"))
        weights = [_get(params, f"assessment.{key}") for key in ASSESSMENT_WEIGHTS]
        if all(isinstance(w, (int, float)) for w in weights) and abs(sum(weights) - 100) > 1e-6:
            problems.append(("parameters.assessment",
                             f"the weights of the quarterly assessment must add up to 100, not {sum(weights):g}"))
        return problems


plugin = ClinicPack.for_package(__name__)

#: the bundled demo client profile
DEMO_PROFILE = plugin.root / "examples" / "demo-clinic.yaml"
