"""The built-in default plugin (``sqmkit.default``).

It is registered exactly like an industry plugin and uses the same public API. It contributes
the general provisions (总则) and supplementary provisions (附则) every regulation carries, and
the core output formats (html, pdf, forms, checklists).
"""

from pathlib import Path

from sqmkit import hookimpl
from sqmkit.datapack import DataPack

pack = DataPack(Path(__file__).parent / "data")


@hookimpl(trylast=True)
def register_general_provisions(profile):
    return pack.chapters("general", profile)


@hookimpl(trylast=True)
def register_supplementary_provisions(profile):
    return pack.chapters("supplementary", profile)


@hookimpl
def register_output_formats():
    from sqmkit.outputs import core_formats

    return core_formats()
