"""The clinic demo built for real: the handbook PDF read back, and the inpatient module switched off
removing its chapters, forms and checklists from every output."""

from __future__ import annotations

import pytest
import yaml

import sqmkit_clinic
from sqmkit import assert_handbook_pdf, assert_module_removed

MODULE = "inpatient"


@pytest.fixture
def demo():
    return yaml.safe_load(sqmkit_clinic.DEMO_PROFILE.read_text(encoding="utf-8"))


def test_handbook_pdf_reads_back(sqmkit_build):
    built = sqmkit_build(sqmkit_clinic.DEMO_PROFILE, sqmkit_clinic, formats=("pdf",))
    assert_handbook_pdf(built.out_dir, built.regulation)


def test_switching_the_module_off_removes_its_outputs(sqmkit_build, demo):
    assert MODULE in demo["modules"]
    on = sqmkit_build(demo, sqmkit_clinic, formats=("html", "forms", "checklists"))
    demo["modules"].remove(MODULE)
    off = sqmkit_build(demo, sqmkit_clinic, formats=("html", "forms", "checklists"))
    assert_module_removed(on, off)
