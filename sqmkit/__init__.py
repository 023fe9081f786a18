"""sqmkit: tailored service-quality management regulations (服务质量管理制度) for companies.

Plugin authors import :data:`hookimpl` from here::

    from sqmkit import hookimpl
"""

from .hookspecs import hookimpl

__version__ = "0.1.0"

__all__ = ["hookimpl", "__version__"]
