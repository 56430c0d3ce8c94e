"""A batch's attribution: ``--attribute`` writes what in a scenario pays; the report shows it."""

import numpy as np
import pytest

import sim
from sim.analysis.attribution import read_attribution
from sim.batch import BatchInputError
from sim.batch.plan import plan_batch

SIZES = {"households": 800, "months": 6, "reps": 1, "workers": 1, "progress": False}


def test_a_batch_attributes_full_synergy_and_the_report_says_what_pays(tmp_path):
    folder = sim.run_batch(
        ["competition", "public_private_partnership"],
        out=tmp_path / "b",
        attribute="public_private_partnership",
        attribute_reps=2,
        **SIZES,
    )
    table = read_attribution(folder)
    assert table is not None
    # public-private partnership uses money, partner services and the registry
    assert list(table.component) == ["money", "partner services", "registry and shared lists"]
    assert np.isclose(table.effect.sum(), table.attrs["total"], rtol=1e-9, atol=1e-15)
    text = (folder / "report.md").read_text()
    assert "## What in Public-private partnership pays" in text
    assert "CSR money is spent in every scenario" in text
    # a rerun asking for the same keeps the file
    stamp = (folder / "attribution.csv").stat().st_mtime_ns
    sim.run_batch(
        ["competition", "public_private_partnership"],
        out=tmp_path / "b",
        attribute="public_private_partnership",
        attribute_reps=2,
        **SIZES,
    )
    assert (folder / "attribution.csv").stat().st_mtime_ns == stamp


def test_without_attribute_there_is_no_attribution_section(tmp_path):
    folder = sim.run_batch(["competition", "knowledge_exchange"], out=tmp_path / "b", **SIZES)
    assert read_attribution(folder) is None
    assert "What in" not in (folder / "report.md").read_text()


@pytest.mark.parametrize("name", ["competition", "pooled_funding"])
def test_attribute_must_name_a_scenario_of_the_batch_other_than_the_reference(name):
    with pytest.raises(BatchInputError, match="--attribute"):
        plan_batch(["competition", "full_synergy"], attribute=name)
