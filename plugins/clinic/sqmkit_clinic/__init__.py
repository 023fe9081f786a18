"""sqmkit plugin: medical service (医疗服务) quality regulations for clinics and township health centres.

All content is data under this package (industry.yaml, rules/, forms/, checklists/); the hooks
below hand it to the core through the public plugin API only.
"""

from pathlib import Path

from sqmkit import hookimpl
from sqmkit.datapack import DataPack

__version__ = "0.1.0"

pack = DataPack.for_package(__name__)

#: the bundled demo client profile
DEMO_PROFILE = Path(__file__).parent / "examples" / "demo-clinic.yaml"

#: the grade-band parameters this industry declares (checked by validate_profile)
GRADE_BANDS = ("grading.department", "grading.physician", "grading.inspection")
#: the department scale has exactly this many bands: one performance-pay coefficient each
#: (parameters incentive.pay_factor_excellent/good/fair/poor, printed by clinic.incentives.pay-link)
DEPARTMENT_BANDS = 4
#: the parts of the quarterly assessment (clinic.controls.inspection.quarterly): weights sum to 100
ASSESSMENT_WEIGHTS = ("weight_records", "weight_prescriptions", "weight_service", "weight_safety",
                      "weight_management")


@hookimpl
def register_industries():
    return [pack.industry()]


@hookimpl
def register_general_provisions(profile):
    return pack.chapters("general", profile)


@hookimpl
def register_service_standards(profile):
    return pack.chapters("standards", profile)


@hookimpl
def register_controls(profile):
    return pack.chapters("controls", profile)


@hookimpl
def register_improvement_cycle(profile):
    return pack.chapters("improvement", profile)


@hookimpl
def register_incentives(profile):
    return pack.chapters("incentives", profile)


@hookimpl
def register_supplementary_provisions(profile):
    return pack.chapters("supplementary", profile)


@hookimpl
def register_forms(profile):
    return pack.forms(profile)


@hookimpl
def register_checklists(profile):
    return pack.checklists(profile)


@hookimpl
def register_template_dirs():
    folder = pack.template_dir()
    return [folder] if folder else []


@hookimpl
def validate_profile(profile, industry):
    """Grade bands must descend strictly: 优 above 良 above 中 above 差 (department, physician and
    inspection scales); the department scale keeps its four bands, one per performance-pay
    coefficient; the weights of the quarterly assessment add up to 100."""
    if profile.industry != "clinic":
        return []
    from sqmkit.params import MissingParameter, check_descending_bands, effective_parameters, lookup

    problems = []
    for path in GRADE_BANDS:
        problems += check_descending_bands(profile, industry, path)
    params = effective_parameters(profile, industry)
    try:
        bands = lookup(params, "grading.department")
    except MissingParameter:
        bands = None
    if isinstance(bands, list) and bands and len(bands) != DEPARTMENT_BANDS:
        problems.append(("parameters.grading.department",
                         f"must have exactly {DEPARTMENT_BANDS} bands (one per performance-pay coefficient "
                         f"incentive.pay_factor_excellent/good/fair/poor), not {len(bands)}"))
    try:
        weights = [lookup(params, f"assessment.{key}") for key in ASSESSMENT_WEIGHTS]
    except MissingParameter:
        weights = None
    if weights and all(isinstance(w, (int, float)) for w in weights) and abs(sum(weights) - 100) > 1e-6:
        problems.append(("parameters.assessment",
                         f"the weights of the quarterly assessment must add up to 100, not {sum(weights):g}"))
    return problems
