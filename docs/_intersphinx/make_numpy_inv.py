"""Write ``numpy.inv``: the NumPy part of the offline intersphinx inventories.

No NumPy documentation package ships an ``objects.inv`` that a CI machine without general
network access can install, so this script writes a small inventory in Sphinx's format
(version 2) holding the NumPy names that sep's docstrings and annotations refer to, each
pointing at its page on numpy.org (the layout NumPy's documentation has used since 1.17).
Run it again when sep's documentation starts referring to another NumPy name:

    python docs/_intersphinx/make_numpy_inv.py
"""

from __future__ import annotations

import zlib
from pathlib import Path

#: name -> (role, page relative to https://numpy.org/doc/stable/)
NAMES = {
    "numpy.ndarray": ("py:class", "reference/generated/numpy.ndarray.html"),
    "numpy.dtype": ("py:class", "reference/generated/numpy.dtype.html"),
    "numpy.bool": ("py:class", "reference/arrays.scalars.html"),
    "numpy.float64": ("py:class", "reference/arrays.scalars.html"),
    "numpy.int64": ("py:class", "reference/arrays.scalars.html"),
    "numpy.ma.MaskedArray": ("py:class", "reference/maskedarray.baseclass.html"),
    "numpy.typing.NDArray": ("py:data", "reference/typing.html"),
}


def main() -> None:
    header = (
        "# Sphinx inventory version 2\n"
        "# Project: NumPy\n"
        "# Version: 2\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(f"{name} {role} 1 {page}#$ -\n" for name, (role, page) in sorted(NAMES.items()))
    out = Path(__file__).with_name("numpy.inv")
    out.write_bytes(header.encode() + zlib.compress(body.encode()))


if __name__ == "__main__":
    main()
