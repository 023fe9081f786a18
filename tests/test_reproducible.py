"""Same input, same output bytes — the PDFs included."""


def test_two_builds_are_byte_identical(demo_build, demo_profile_path, tmp_path):
    from sqmkit.build import build

    again = build(demo_profile_path, tmp_path / "again", None)
    assert (again.out_dir / "manifest.json").read_bytes() == (demo_build.out_dir / "manifest.json").read_bytes()
    assert (again.out_dir / "handbook.pdf").read_bytes() == (demo_build.out_dir / "handbook.pdf").read_bytes()
