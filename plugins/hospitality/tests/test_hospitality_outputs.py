"""The hospitality demo built for real: the handbook PDF read back, and the spa module switched off
removing its chapters, forms and checklists from every output."""

from __future__ import annotations

import pytest
import yaml

import sqmkit_hospitality
from sqmkit import assert_handbook_pdf, assert_module_removed

MODULE = "spa"


@pytest.fixture
def demo():
    return yaml.safe_load(sqmkit_hospitality.DEMO_PROFILE.read_text(encoding="utf-8"))


def test_handbook_pdf_reads_back(sqmkit_build):
    built = sqmkit_build(sqmkit_hospitality.DEMO_PROFILE, sqmkit_hospitality, formats=("pdf",))
    assert_handbook_pdf(built.out_dir, built.regulation)


def test_switching_the_module_off_removes_its_outputs(sqmkit_build, demo):
    assert MODULE in demo["modules"]
    on = sqmkit_build(demo, sqmkit_hospitality, formats=("html", "forms", "checklists"))
    demo["modules"].remove(MODULE)
    off = sqmkit_build(demo, sqmkit_hospitality, formats=("html", "forms", "checklists"))
    assert_module_removed(on, off)
