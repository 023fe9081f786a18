"""Temporary: the plugin linter until it is split into rules."""

from ..checker import Finding, Report, check_plugin

__all__ = ["Finding", "Report", "check_plugin"]
