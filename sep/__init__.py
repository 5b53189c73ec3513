"""sep: T/CATE 0001—2020 (Large Enterprises Shared Entrepreneurial Platform) made executable."""

from __future__ import annotations

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
