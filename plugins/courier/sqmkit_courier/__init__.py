"""sqmkit plugin: courier and express delivery (快递) service quality regulations.

All content is data in this package (industry.yaml, rules/, forms/, checklists/, examples/); the
pack is the plugin and hands it to the core through the public plugin API.
"""

from sqmkit import DataPack

__version__ = "0.2.0"

plugin = DataPack.for_package(__name__)

#: the bundled demo client profile
DEMO_PROFILE = plugin.root / "examples" / "demo-courier.yaml"
