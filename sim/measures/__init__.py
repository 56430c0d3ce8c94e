"""What the model measures: poverty, inequality, multidimensional poverty, value for money.

The welfare measures are pure numpy functions of welfare, lines and weights (any real dtype,
float64 accumulation); ``sim.measures.record`` builds the model's monthly row from them.
"""

from sim.measures.inequality import gini
from sim.measures.multidimensional import AF_TOLERANCE, alkire_foster
from sim.measures.poverty import fgt, fgt_by_group, poverty_summary, watts
from sim.measures.value_for_money import value_for_money, value_for_money_frames

__all__ = [
    "AF_TOLERANCE",
    "alkire_foster",
    "fgt",
    "fgt_by_group",
    "gini",
    "poverty_summary",
    "value_for_money",
    "value_for_money_frames",
    "watts",
]
