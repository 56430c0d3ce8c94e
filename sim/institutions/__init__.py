"""The institutions: social institutions (Mesa agents), their partners, and the coalition.

* :mod:`~sim.institutions.agent`: ``Institution``, an NGO, foundation, zakat body or charity,
  with its verbs (raise_funds, survey, select, enrol, deliver, update_trust, leave, evaluate).
* :mod:`~sim.institutions.partners`: the government and a private business as partners.
* :mod:`~sim.institutions.coalition`: ``Coalition`` (``model.coalition``): builds them and
  runs their month through Mesa's ``AgentSet``.
* :mod:`~sim.institutions.state`: the shared state passed to every method (enrolment rows,
  accounts, bit masks, caches).
* :mod:`~sim.institutions.forms`: the forms of cooperation as policy objects.
* :mod:`~sim.institutions.funding`, :mod:`~sim.institutions.donors`: money in.
* :mod:`~sim.institutions.survey`, :mod:`~sim.institutions.targeting`: views and candidates.
* :mod:`~sim.institutions.delivery`: case-managed bundles.
* :mod:`~sim.institutions.trust`, :mod:`~sim.institutions.learning`,
  :mod:`~sim.institutions.mission`: trust, learning and evaluation, missions.
* :mod:`~sim.institutions.weightsums`: exact sums of household weights by counting.
"""
