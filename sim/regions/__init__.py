"""Regions: Indonesia's provinces and kabupaten/kota, their presets, growth and the nation.

- ``catalogue``: the regions, their names and codes, :func:`resolve_region`;
- ``table``: :func:`regions`, every region with its BPS figures and fit residuals (pandas).

``sim.regions()`` is :func:`sim.regions.table.regions`: this package is callable (its module
class is :class:`_CallableModule`), so ``sim.regions`` is at once the package (``sim.regions.
resolve_region``) and the table (``sim.regions()``), however it was first imported. A plain
function of that name would be shadowed by the package the moment any of its modules is
imported (Python sets ``sim.regions`` to the subpackage then).
"""

import sys
import types

from sim.regions.catalogue import (
    NATION,
    NATION_BY_PROVINCE,
    REGIONS_DIR,
    Region,
    UnknownRegionError,
    catalogue,
    resolve_region,
)

__all__ = [
    "NATION",
    "NATION_BY_PROVINCE",
    "REGIONS_DIR",
    "Region",
    "UnknownRegionError",
    "catalogue",
    "resolve_region",
]


class _CallableModule(types.ModuleType):
    """The ``sim.regions`` package, callable as :func:`sim.regions.table.regions`."""

    def __call__(self, *args, **kwargs):  # noqa: D102
        from sim.regions.table import regions

        return regions(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
