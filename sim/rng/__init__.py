"""Random numbers: named streams per (decision, month), drawn by household index.

* :mod:`sim.rng.streams`: ``Streams``, one named stream per (decision, month) of a run.
* :mod:`sim.rng.counter`: the draws, a counter-based hash of (seed, decision, month, household).
* :mod:`sim.rng.binomial`: binomial counts by CDF inversion at one uniform per household.
"""
