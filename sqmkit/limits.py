"""Limits on what sqmkit reads from files it is handed: one place, each with its reason.

A profile, a plugin's data file or a logo comes from someone else's hands. Each limit is far above
what a real file needs (the largest bundled YAML file is 14 KB, 8 levels deep, ~500 values, its
longest string 430 characters) and low enough that a hostile file is refused quickly, with a message
naming the file, the line where there is one, and the limit.

The YAML limits are set by what PyYAML's pure-Python reader costs (it is used because only it lets
sqmkit count and bound while composing): about 20,000 values or 100 KB a second on a slow machine.
So a file is at most 256 KiB, and reading stops at the 20,001st value, wherever it is.
"""

from __future__ import annotations

# -- YAML (profiles and plugin data: sqmkit.yamlio) ---------------------------------------------

#: the largest YAML file read, in bytes (256 KiB); a profile is a few kilobytes
MAX_YAML_BYTES = 256 * 1024
#: the deepest nesting of mappings and lists, aliases expanded (a profile needs 5 or 6 levels)
MAX_YAML_DEPTH = 50
#: the most values (mappings, lists and scalars, keys included) in one document, counted while
#: reading and again once aliases are expanded: an "alias bomb" of 1 KB expands to billions
MAX_YAML_NODES = 20_000
#: the longest single string (key or value), in characters
MAX_YAML_SCALAR_CHARS = 20_000
#: the most digits in one number: longer integers are refused before Python converts them
#: (converting a number of many thousands of digits is slow, and past 4,300 digits an error)
MAX_YAML_NUMBER_DIGITS = 30
#: the most keys in one mapping
MAX_YAML_MAPPING_KEYS = 1_000

# -- Files named by a profile (sqmkit.assets) ---------------------------------------------------

#: the largest logo file, in bytes (2 MiB); a logo is typically 5-200 KB
MAX_LOGO_BYTES = 2 * 1024 * 1024
#: the most pixels a raster logo may have (a "decompression bomb" is a small file of huge size)
MAX_LOGO_PIXELS = 25_000_000
#: the most elements in an SVG logo, and the deepest nesting of them
MAX_SVG_ELEMENTS = 20_000
MAX_SVG_DEPTH = 100
#: the most entries walked in a profile's template folder
MAX_TEMPLATE_FILES = 2_000
