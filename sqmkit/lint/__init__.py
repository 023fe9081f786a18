"""``sqmkit plugin check``: lint what a plugin contributes, before a client's build finds it.

The linter reads a plugin's data files (``industry.yaml``, ``rules/``, ``forms/``,
``checklists/``, ``examples/``, ``templates/``) once into a shared, read-only context
(:mod:`.context`, :mod:`.load`) and runs small rules over it (:mod:`.rules`, one module per
concern), each a function yielding :class:`Finding` objects — every problem, not just the first,
with the file, the line, the data path, the problem and a hint. It then imports the plugin,
registers it with a fresh plugin manager and assembles its demo profile(s) with the core's real
assembler, with all modules on, with each module off and with none, so that what the static
rules cannot see (a plugin in the sqmkit 0.1 shape, a hook that raises or drops content, the
plugin's own ``validate_profile``) is reported too.

Errors (the plugin is broken for some client, exit status 1):

* ``schema``         a data file does not match the schema (:mod:`sqmkit.schema`), or is not YAML;
                     a text is not a valid template; a grade scale is not valid
* ``duplicate-id``   two chapters, clauses, forms, checklists or check items share an id, or two
                     siblings (fields of one form, KPIs of one block …) share a local id
* ``dangling-ref``   ``ref()``/``form()``/``checklist()``, a form's ``clauses`` or a check item's
                     ``clauses`` name something that does not exist — or that belongs to a module
                     the referring text does not, so it dangles when that module is off
* ``undeclared``     a text uses a parameter, department or role that ``industry.yaml`` does not
                     declare, or a name or filter texts do not have
* ``unknown-module`` a ``module:`` (or ``"x" in modules``) the industry does not declare
* ``check-nothing``  a check item that names no clause
* ``translation``    a text without a language the plugin declares (see
                     :func:`sqmkit.lint.load.declared_languages`)
* ``template``       a template in ``templates/`` does not parse
* ``profile``        a demo profile is invalid
* ``legacy-shape``   the plugin is in the sqmkit 0.1 shape (hook functions handing over a
                     module's DataPack); the message says what to change
* ``assemble``       the plugin cannot be loaded, the core's assembler refused it for a demo
                     profile, or content in its files did not reach the regulation
* ``packaging``      the distribution declares no ``sqmkit`` entry point, or one naming another
                     package

Warnings (worth a look, exit status 0 unless ``--strict``):

* ``unchecked``      a service-standards article that no check item checks
* ``unused-form``    a form that no text mentions with ``{{ form("…") }}``
* ``unstable-id``    an id that looks like a position (``item-1``, ``a1``, ``s2``) rather than a name
* ``packaging``      a data file that the distribution's package-data does not ship
* ``no-demo``        no demo profile in ``examples/`` (a synthetic one is assembled instead)
* ``dangling-ref``   a reference with a computed id, which cannot be checked
* ``schema``         a file in a data folder that is not ``*.yaml`` (it is not read)
"""

from __future__ import annotations

from .findings import ERROR, WARNING, Finding, Report
from .rules import CODES, RULES
from .runner import check_plugin, run
from .source import CheckerError, PluginSource, locate

__all__ = ["check_plugin", "Report", "Finding", "CheckerError", "locate", "RULES", "CODES", "ERROR", "WARNING",
           "PluginSource", "run"]
