"""The institutions' partners: the government and a private business (Mesa agents).

They act only through the forms of cooperation that hold them
(``forms.GovernmentPartnership``, ``forms.BusinessPartnership``); the government's own
registry and background programmes live with the households (``sim.world``).
"""

from __future__ import annotations

import mesa

from sim.scenario import Scenario


class Government(mesa.Agent):
    """The government as a partner: registry access, co-funding, infrastructure."""

    def cofunding(self, sc: Scenario, direct_spend: float) -> float:
        """Matching funds for a partner's direct programme spend last month (rupiah)."""
        return sc.cooperation.partnership.cofunding_share * direct_spend


class PrivatePartner(mesa.Agent):
    """A business partner: CSR money, training and market access for livelihoods.

    Its money is booked by ``funding.open_csr`` and ``funding.directed_csr``.
    """
