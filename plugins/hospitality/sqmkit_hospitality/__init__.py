"""sqmkit plugin: hotels and hospitality (酒店、餐饮、温泉) service quality regulations.

All content is data under this package (industry.yaml, rules/, forms/, checklists/); the hooks
below hand it to the core through the public plugin API only.
"""

from pathlib import Path

from sqmkit import hookimpl
from sqmkit.datapack import DataPack

__version__ = "0.1.0"

pack = DataPack.for_package(__name__)

#: the bundled demo client profile
DEMO_PROFILE = Path(__file__).parent / "examples" / "demo-hotel.yaml"


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
    """Grade bands must descend strictly: 优 above 良 above 中 above 差 above 很差 (and the
    inspection bands likewise)."""
    if profile.industry != "hospitality":
        return []
    from sqmkit.params import check_descending_bands

    return check_descending_bands(profile, industry, "grading.staff") + \
        check_descending_bands(profile, industry, "grading.inspection")
