"""The explorer's words in each language: one table a language, the same keys in both.

The interface speaks English (``en``) or Indonesian (``id``, as BPS and Bappenas write: the
official terms are those of ``docs/glossary.md``); scenario names come from the report's label
files (:func:`sim.report.labels.scenario_label`), numbers from :mod:`sim.report.numbers`
(``1,234.5`` / ``1.234,5``). ``tests/test_app.py`` checks that both tables hold the same keys
and the same ``{placeholders}``.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}
"""Language code -> its name in the language switch."""

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Sinergi explorer",
        "language": "Language",
        "run": "Run",
        "step": "Run 1 month",
        "play": "Play",
        "pause": "Pause",
        "restart": "Back to month 0",
        "month_of": "Month {month} of {months}",
        "ended": "The run reached its horizon. Press “Back to month 0” to run it again.",
        "where": "Where and what",
        "region": "Region (province, or the nation)",
        "district": "Kabupaten/kota",
        "whole_province": "(whole province)",
        "preset": "Scenario",
        "preset_note": (
            "A scenario or region applies at once: the run restarts at month 0 and the "
            "controls below show that scenario's settings."
        ),
        "households": "Households simulated: {n}",
        "represented": "they stand for {m} real households in {region}",
        "months": "Horizon: {n} months",
        "seed": "Random seed",
        "cooperation": "Cooperation",
        "cooperation_note": (
            "Changes apply at once: the run is recomputed up to the month it had reached."
        ),
        "pooled_funding": "Pooled funding (a joint campaign)",
        "thematic_alliance": "Thematic alliances",
        "knowledge_exchange": "Knowledge-exchange forums",
        "monitoring": "Monitoring and evaluation",
        "partnership": "Partnership with government and business",
        "information": "Beneficiary lists shared",
        "information_private": "each institution its own",
        "information_theme": "within a theme",
        "information_coalition": "the whole coalition",
        "information_registry": "the government's registry (DTKS)",
        "money_and_trust": "Money and trust",
        "giving": (
            "Private giving: {value} per 1,000 households a month ({total} a year in {region})"
        ),
        "coordination_cost": (
            "Alliance coordination cost: {value} per member a month per 1,000 households"
        ),
        "trust_threshold": "Trust threshold: {value} (members leave below it; 0 to 1)",
        "transparency_multiplier": "Transparency of members: {value} × their own",
        "awareness_effect": "Joint-campaign effect: +{value} % on fundraising",
        "donor_elasticity": "Donors' response to fundraising: {value} (elasticity)",
        "learning_rate": "Knowledge exchange: {value} % of the practice gap closed per forum",
        "building": "Building the population…",
        "applying": "Applying the new settings…",
        "headline": "{scenario}, {region}: month {month} of {months}",
        "figures": (
            "{p0} % of persons poor (P0); poverty gap index {p1} (P1); {reach} % of the poor "
            "reached by an NGO programme; {members} coalition members."
        ),
        "money": "This month {raised} raised and {paid} paid to households.",
        "base": "{n} simulated households stand for {m} real households.",
        "empty": (
            "Month 0 is the starting population. Press “Run 1 month” or “Play” to run the "
            "months; the plots appear from month 1."
        ),
        "axis_month": "Month",
        "plot_p0": "Persons in poverty (P0), %",
        "plot_p1": "Poverty gap index (P1)",
        "plot_reach": "Poor persons reached by an NGO programme, %",
        "plot_money": "Money each month, Rp billion",
        "plot_raised": "raised",
        "plot_paid": "paid to households",
        "plot_coalition": "Coalition members (0: none, or broken up)",
        "thousand": "thousand",
    },
    "id": {
        "title": "Penjelajah Sinergi",
        "language": "Bahasa",
        "run": "Jalankan",
        "step": "Jalankan 1 bulan",
        "play": "Putar",
        "pause": "Jeda",
        "restart": "Kembali ke bulan 0",
        "month_of": "Bulan {month} dari {months}",
        "ended": (
            "Simulasi sudah mencapai akhir jangka waktu. Tekan “Kembali ke bulan 0” untuk "
            "menjalankannya lagi."
        ),
        "where": "Wilayah dan skenario",
        "region": "Wilayah (provinsi, atau nasional)",
        "district": "Kabupaten/kota",
        "whole_province": "(seluruh provinsi)",
        "preset": "Skenario",
        "preset_note": (
            "Skenario atau wilayah yang dipilih langsung berlaku: simulasi mulai lagi dari "
            "bulan 0 dan pengaturan di bawah menunjukkan nilai skenario itu."
        ),
        "households": "Rumah tangga yang disimulasikan: {n}",
        "represented": "mewakili {m} rumah tangga sebenarnya di {region}",
        "months": "Jangka waktu: {n} bulan",
        "seed": "Angka acak awal",
        "cooperation": "Kerja sama",
        "cooperation_note": (
            "Perubahan langsung berlaku: simulasi dihitung ulang sampai bulan yang sudah dicapai."
        ),
        "pooled_funding": "Dana bersama (kampanye bersama)",
        "thematic_alliance": "Aliansi tematik",
        "knowledge_exchange": "Forum pertukaran pengetahuan",
        "monitoring": "Pemantauan dan evaluasi",
        "partnership": "Kemitraan dengan pemerintah dan dunia usaha",
        "information": "Daftar penerima yang dibagikan",
        "information_private": "milik masing-masing lembaga",
        "information_theme": "dalam satu tema",
        "information_coalition": "seluruh koalisi",
        "information_registry": "data pemerintah (DTKS)",
        "money_and_trust": "Dana dan kepercayaan",
        "giving": (
            "Sumbangan masyarakat: {value} per 1.000 rumah tangga per bulan ({total} per tahun "
            "di {region})"
        ),
        "coordination_cost": (
            "Biaya koordinasi aliansi: {value} per anggota per bulan per 1.000 rumah tangga"
        ),
        "trust_threshold": (
            "Ambang kepercayaan: {value} (anggota keluar bila di bawahnya; 0 sampai 1)"
        ),
        "transparency_multiplier": "Keterbukaan anggota: {value} × semula",
        "awareness_effect": "Efek kampanye bersama: +{value} % pada penggalangan dana",
        "donor_elasticity": "Tanggapan donatur atas penggalangan dana: {value} (elastisitas)",
        "learning_rate": (
            "Pertukaran pengetahuan: {value} % kesenjangan praktik tertutup per forum"
        ),
        "building": "Menyusun populasi…",
        "applying": "Menerapkan pengaturan baru…",
        "headline": "{scenario}, {region}: bulan {month} dari {months}",
        "figures": (
            "Persentase penduduk miskin {p0} % (P0); indeks kedalaman kemiskinan {p1} (P1); "
            "{reach} % penduduk miskin terjangkau program LSM; {members} anggota koalisi."
        ),
        "money": "Bulan ini {raised} terkumpul dan {paid} disalurkan ke rumah tangga.",
        "base": "{n} rumah tangga simulasi mewakili {m} rumah tangga sebenarnya.",
        "empty": (
            "Bulan 0 adalah populasi awal. Tekan “Jalankan 1 bulan” atau “Putar” untuk "
            "menjalankan bulan demi bulan; grafik muncul mulai bulan 1."
        ),
        "axis_month": "Bulan",
        "plot_p0": "Persentase penduduk miskin (P0), %",
        "plot_p1": "Indeks kedalaman kemiskinan (P1)",
        "plot_reach": "Penduduk miskin terjangkau program LSM, %",
        "plot_money": "Dana per bulan, Rp miliar",
        "plot_raised": "terkumpul",
        "plot_paid": "disalurkan ke rumah tangga",
        "plot_coalition": "Anggota koalisi (0: tidak ada, atau bubar)",
        "thousand": "ribu",
    },
}
"""Language -> key -> text (``{placeholders}`` filled by :func:`t`)."""


def t(key: str, lang: str, **values: Any) -> str:
    """The text of ``key`` in ``lang`` with its placeholders filled.

    Args:
        key: A key of :data:`WORDS`.
        lang: ``"en"`` or ``"id"``.
        **values: The placeholders' values (already formatted).

    Returns:
        The text.
    """
    return WORDS[lang][key].format(**values)
