import re
import typing
from pathlib import Path

import pytest

import sim
from sim.scenario import ScenarioError, load_scenario


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_no_programs_loads_with_preset_values():
    sc = load_scenario("no_programs")
    assert sc.name == "no_programs"
    assert sc.months == 120
    assert sc.population.households == 10_000
    # the preset's fitted values reach the scenario through `extends`
    assert sc.calibration.urban.q != sim.Scenario().calibration.urban.q


def test_overrides_are_validated_like_the_file():
    sc = load_scenario("no_programs", overrides={"population.households": 100_000, "months": 12})
    assert sc.population.households == 100_000 and sc.months == 12
    with pytest.raises(ScenarioError, match=r"population\.households.*greater than or equal to 10"):
        load_scenario("no_programs", overrides={"population.households": -5})
    with pytest.raises(ScenarioError, match=r"population\.housholds.*unknown field.*households"):
        load_scenario("no_programs", overrides={"population.housholds": 5})


def test_extends_merges_tables_and_replaces_values(tmp_path):
    write(
        tmp_path,
        "base.toml",
        "months = 24\n[population]\nhouseholds = 500\nsubdistricts = 4\nurban_subdistricts = 2\n",
    )
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\n[population]\nhouseholds = 700\n')
    sc = load_scenario(child)
    assert sc.months == 24
    assert sc.population.households == 700
    assert sc.population.subdistricts == 4


def test_extends_by_name_reaches_presets(tmp_path):
    child = write(tmp_path, "c.toml", 'extends = "no_programs"\nmonths = 3\n')
    sc = load_scenario(child)
    assert sc.months == 3
    assert sc.calibration == load_scenario("no_programs").calibration


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("months = 'ten'", r"field 'months'.*valid integer"),
        ("months = -1", r"field 'months'.*greater than or equal to 1"),
        ("[population]\nhouseholds = 1e40", r"population\.households"),
        (
            "[shocks]\nrho = 0.5",
            r"field 'shocks\.rho': unknown field \(allowed here: enabled, persistent_rho",
        ),
        ("colour = 'red'", r"field 'colour': unknown field"),
        ("months = 12\nmonths = 13", r"not valid TOML"),
        ("[population\n", r"not valid TOML"),
        ("population = 3", r"field 'population'.*must be a table"),
        ("extends = 'nowhere_at_all'", r"field 'extends'.*unknown scenario"),
        ("extends = 3", r"field 'extends'.*scenario name or a path"),
        ("[population]\nurban_subdistricts = 50", r"urban_subdistricts \(50\) cannot exceed"),
        ("[poverty_line]\nurban = nan", r"finite number"),
    ],
)
def test_bad_files_give_one_line_naming_file_and_field(tmp_path, text, pattern):
    p = write(tmp_path, "bad.toml", text)
    with pytest.raises(ScenarioError, match=pattern) as info:
        load_scenario(p)
    msg = str(info.value)
    assert str(p) in msg
    assert "\n" not in msg


def test_cyclic_extends_is_reported(tmp_path):
    write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    b = write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="cyclic inheritance"):
        load_scenario(b)


def test_binary_garbage_and_missing_files(tmp_path):
    p = tmp_path / "garbage.toml"
    p.write_bytes(b"\xff\xfe\x00\x81binary")
    with pytest.raises(ScenarioError, match="not a UTF-8 text file"):
        load_scenario(p)
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match="unknown scenario"):
        load_scenario("no_such_scenario")


def test_content_hash_ignores_name_and_tracks_content():
    a = load_scenario("no_programs")
    b = load_scenario("no_programs", overrides={"name": "other", "description": "x"})
    c = load_scenario("no_programs", overrides={"months": 60})
    assert a.content_hash() == b.content_hash()
    assert a.content_hash() != c.content_hash()


def test_every_parameter_has_unit_and_source():
    missing = []

    def walk(cls, prefix=""):
        for name, field in cls.model_fields.items():
            ann = field.annotation
            item = typing.get_args(ann)[0] if typing.get_origin(ann) is list else None
            if isinstance(ann, type) and issubclass(ann, sim.scenario.Section):
                walk(ann, f"{prefix}{name}.")
                continue
            if isinstance(item, type) and issubclass(item, sim.scenario.Section):
                walk(item, f"{prefix}{name}[].")
            if cls is not sim.Scenario or name not in ("name", "description"):
                extra = field.json_schema_extra or {}
                if not extra.get("unit") or not extra.get("source"):
                    missing.append(prefix + name)

    walk(sim.Scenario)
    assert not missing, f"parameters without unit or source: {missing}"


PUBLICATION = re.compile(
    # an author (or organisation) and a year: "Egger et al. 2022", "Kraay & McKenzie 2014",
    # "Cox, Hansen & Jimenez 2004", "Bridgespan 2016", "(Kemensos 2024)"
    r"[A-Z][A-Za-z'\-]+(?: et al\.| & [A-Z][A-Za-z'\-]+)?,? \(?(?:19|20)\d\d\b"
)
OFFICIAL = re.compile(r"\b(?:BPS|Susenas|Kemensos|Kemendes|BPJS|BAZNAS|Perpres \d+/\d{4})\b")
DOCUMENT = re.compile(r"[\w./-]+\.(?:md|toml|pdf|docx?|xlsx?|csv|txt)\b")


def _sources(cls, prefix=""):
    for name, field in cls.model_fields.items():
        ann = field.annotation
        item = typing.get_args(ann)[0] if typing.get_origin(ann) is list else None
        if isinstance(ann, type) and issubclass(ann, sim.scenario.Section):
            yield from _sources(ann, f"{prefix}{name}.")
            continue
        if isinstance(item, type) and issubclass(item, sim.scenario.Section):
            yield from _sources(item, f"{prefix}{name}[].")
        extra = field.json_schema_extra or {}
        if extra.get("source"):
            yield prefix + name, extra.get("unit", ""), extra["source"]


def test_every_source_names_a_publication_or_says_assumption():
    root = Path(__file__).resolve().parent.parent
    bad = []
    for path, unit, source in _sources(sim.Scenario):
        missing = [d for d in DOCUMENT.findall(source) if not (root / d).is_file()]
        if missing:
            bad.append(f"{path}: cites {missing}, not in the repository")
        elif unit == "identifier":  # a name chosen in the scenario file
            continue
        elif not (
            source.startswith("assumption")
            or PUBLICATION.search(source)
            or OFFICIAL.search(source)
            or DOCUMENT.search(source)
        ):
            bad.append(f"{path}: {source!r}")
    assert not bad, "sources that name no publication and say no 'assumption':\n" + "\n".join(bad)


def test_constants_the_kernels_take_from_the_schema():
    sc = sim.Scenario()
    assert sc.income.elderly_earner_weight == 0.3
    assert sc.cooperation.case_management_priority == 10.0
    assert sc.cooperation.monitoring.reputation_weight == 0.5
    # the elderly weight is schema only; the two strengths of cooperation are uncertain
    # parameters since 0.4 (issue 16: every effect of cooperation has a range the sensitivity
    # analysis varies)
    uncertain = sim.scenario.uncertain_parameters()
    assert "income.elderly_earner_weight" not in uncertain
    assert uncertain["cooperation.case_management_priority"]["range"] == (0.0, 10.0)
    assert uncertain["cooperation.monitoring.reputation_weight"]["range"] == (0.0, 1.0)
    with pytest.raises(ScenarioError, match=r"income\.elderly_earner_weight"):
        load_scenario("no_programs", overrides={"income.elderly_earner_weight": 1.5})
