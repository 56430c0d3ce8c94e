"""The household world: state arrays, the starting population, the government's programmes.

* :mod:`sim.world.households`: ``Households``, one array per attribute.
* :mod:`sim.world.distribution`: the fitted GB2 consumption distribution and the latent
  quantile map that keeps earnings potential on it.
* :mod:`sim.world.lines`: poverty lines per household.
* :mod:`sim.world.government`: PKH, BPNT and PBI-JKN (targeting, benefits) and contributory
  JKN membership.
* :mod:`sim.world.registry`: the social registry's rolling re-survey.
* :mod:`sim.world.synthesis`: the calibrated starting population (a steady state).
"""
