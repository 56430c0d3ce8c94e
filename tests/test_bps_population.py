"""The 2024 district population table: complete, paired with the P0 table, as published."""

import pandas as pd

from sim.data import bps


def test_one_row_per_district_in_the_p0_tables_order():
    pop = bps.district_population()
    dist = bps.districts()
    assert len(pop) == 514
    assert list(pop["province"]) == list(dist["province"])
    assert list(pop["district"]) == list(dist["district"])


def test_populations_are_positive_whole_persons():
    pop = bps.district_population()
    assert pd.api.types.is_integer_dtype(pop["population"])
    assert (pop["population"] > 0).all()


def test_districts_sum_to_bps_national_2024_population():
    # BPS publishes 281,603.8 thousand persons for Indonesia in 2024.
    total = int(bps.district_population()["population"].sum())
    assert total == 281_603_799
    assert round(total / 1000, 1) == 281_603.8


def test_province_sums_match_bps_provincial_table():
    # BPS "Jumlah Penduduk Menurut Provinsi di Indonesia", 2024 (thousands, one decimal), as
    # copied in github Anggra-182/Capstone-Project-Made-Anggra-Kurnia-Artha and another public
    # file; a separate table from the district one, so the sums must reproduce it.
    published = {
        "ACEH": 5554.8,
        "SUMATERA UTARA": 15588.5,
        "KEP. RIAU": 2183.3,
        "DKI JAKARTA": 10684.9,
        "JAWA BARAT": 50345.2,
        "JAWA TENGAH": 37892.3,
        "DI YOGYAKARTA": 3759.5,
        "JAWA TIMUR": 41814.5,
        "BANTEN": 12431.4,
        "KALIMANTAN UTARA": 739.8,
        "GORONTALO": 1227.8,
    }
    sums = bps.district_population().groupby("province")["population"].sum() / 1000
    for province, thousands in published.items():
        assert round(float(sums[province]), 1) == thousands, province


def test_published_values_and_renamed_units():
    pop = bps.district_population().set_index("district")
    assert pop.loc["Kota Medan", "population"] == 2486283
    assert pop.loc["Kepulauan Seribu", "population"] == 28809
    assert pop.loc["Bogor", "population"] == pop["population"].max() == 5682303
    assert pop.loc["Supiori", "population"] == pop["population"].min() == 24527
    renamed = pop[pop["source_name"] != ""]["source_name"].to_dict()
    assert renamed == {
        "Karang Asem": "Karangasem",
        "Pontianak": "Mempawah",
        "Mahakam Hulu": "Mahakam Ulu",
        "Pangkajene Dan Kepulauan": "Pangkajene dan Kepulauan",
    }
