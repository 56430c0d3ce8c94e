"""Regions: Indonesia's provinces and kabupaten/kota, their presets, growth and the nation.

- ``catalogue``: the regions, their names and codes, :func:`resolve_region`;
- ``table``: :func:`regions`, every region with its BPS figures and fit residuals (pandas).

``sim.regions()`` is :func:`sim.regions.table.regions`.
"""

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
