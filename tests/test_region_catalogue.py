"""The region catalogue: every province and kabupaten/kota by name, code and short name."""

from __future__ import annotations

import pytest

import sim
from sim.data import bps
from sim.regions.catalogue import (
    NATION,
    NATION_BY_PROVINCE,
    UnknownRegionError,
    catalogue,
    resolve_region,
)


def test_catalogue_has_every_province_and_district_of_the_bps_tables():
    regions = catalogue()
    provinces = [r for r in regions if r.level == "province"]
    districts = [r for r in regions if r.level == "district"]
    published = bps.provinces()
    assert [r.name for r in provinces] == [p for p in published.province if p != NATION]
    assert len(provinces) == 38
    assert len(districts) == len(bps.districts()) == 514
    assert len({r.name for r in regions}) == len(regions)  # canonical names are unique
    assert len({r.slug for r in districts}) == 514  # one preset file each
    assert len({r.slug for r in provinces}) == 38


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("NUSA TENGGARA TIMUR", "NUSA TENGGARA TIMUR"),
        ("nusa tenggara timur", "NUSA TENGGARA TIMUR"),
        ("Nusa-Tenggara  Timur", "NUSA TENGGARA TIMUR"),
        ("5300", "NUSA TENGGARA TIMUR"),
        ("53", "NUSA TENGGARA TIMUR"),
        ("NTT", "NUSA TENGGARA TIMUR"),
        ("kep riau", "KEP. RIAU"),
        ("Jatim", "JAWA TIMUR"),
        ("kota kupang", "Kota Kupang, NUSA TENGGARA TIMUR"),
        ("Kupang", "Kupang, NUSA TENGGARA TIMUR"),
        ("Gorontalo", "GORONTALO"),  # the province wins the name it shares with a district
        ("gorontalo, GORONTALO", "Gorontalo, GORONTALO"),
        ("Kota Baru", "Kota Baru, KALIMANTAN SELATAN"),  # a regency despite its name
        ("indonesia", NATION),
        ("Indonesia (by province)", NATION_BY_PROVINCE),
    ],
)
def test_names_codes_and_short_names_resolve(text, name):
    assert resolve_region(text).name == name


def test_an_unknown_region_names_the_closest():
    with pytest.raises(UnknownRegionError, match="closest: .*DKI JAKARTA"):
        resolve_region("Jakarta Raya")
    with pytest.raises(UnknownRegionError, match="unknown region 'Atlantis Raya'") as err:
        resolve_region("Atlantis Raya")
    assert "\n" not in str(err.value)


def test_load_scenario_carries_the_canonical_name_and_refuses_an_unknown_one():
    assert sim.load_scenario("competition").region == NATION
    assert sim.load_scenario("competition", overrides={"region": "indonesia"}).region == NATION
    with pytest.raises(sim.ScenarioError, match=r"overrides: field 'region': unknown region"):
        sim.load_scenario("competition", overrides={"region": "Atlantis Raya"})
    with pytest.raises(sim.ScenarioError, match="field 'region': must be a name or code"):
        sim.load_scenario("competition", overrides={"region": 53})


def test_the_national_region_changes_nothing():
    base = sim.load_scenario("full_synergy")
    named = sim.load_scenario("full_synergy", overrides={"region": "INDONESIA"})
    assert base.content_hash() == named.content_hash()


def test_a_region_preset_applies_before_the_overrides(tmp_path, monkeypatch):
    """The preset beats the scenario's inherited values; an override beats the preset."""
    import importlib

    cat = importlib.import_module("sim.regions.catalogue")

    region = resolve_region("BALI")
    folder = tmp_path / "provinces"
    folder.mkdir()
    (folder / f"{region.slug}.toml").write_text(
        "[poverty_line]\nurban = 650000.0\nrural = 600000.0\n"
        "[population]\nhouseholds_represented = 1200000\n"
    )
    monkeypatch.setattr(cat, "REGIONS_DIR", tmp_path)
    sc = sim.load_scenario("competition", overrides={"region": "bali"})
    assert (sc.region, sc.poverty_line.urban, sc.population.households_represented) == (
        "BALI",
        650000.0,
        1_200_000,
    )
    sc = sim.load_scenario(
        "competition", overrides={"region": "Bali", "poverty_line.urban": 700000.0}
    )
    assert (sc.poverty_line.urban, sc.poverty_line.rural) == (700000.0, 600000.0)


def test_a_region_without_a_fitted_preset_says_how_to_fit_it(tmp_path, monkeypatch):
    import importlib

    cat = importlib.import_module("sim.regions.catalogue")

    monkeypatch.setattr(cat, "REGIONS_DIR", tmp_path)
    with pytest.raises(sim.ScenarioError, match=r"python -m sim.calibrate --region \"BALI\""):
        sim.load_scenario("competition", overrides={"region": "Bali"})


def test_the_chooser_lists_a_province_with_its_districts(capsys):
    from sim.regions.__main__ import main

    assert main(["NTT"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split()[:4] == ["NUSA", "TENGGARA", "TIMUR", "19.48"]  # BPS March 2024 P0
    rows = [line for line in out if "NUSA TENGGARA TIMUR" in line and "run_scenarios" not in line]
    assert len(rows) == 1 + 22  # the province and its 22 kabupaten/kota
    assert main(["Atlantis Raya"]) == 0  # nothing alike by name: the closest are listed
    assert "closest shown" in capsys.readouterr().out
