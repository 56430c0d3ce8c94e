"""The planners' report: figures, ``report.md`` and a self-contained ``report.html``.

Everything here is generated from a results folder (``manifest.json``, ``summary.csv``,
``runs.parquet``, ``runs/*.parquet`` and ``scenarios/*.json``): brief-ready sentences from the
paired statistics, a headline ranking by value for money, tables, seven figures, the
assumptions that matter most and a "how to cite" block. English by default; ``lang="id"``
writes Bahasa Indonesia (scenario ids are kept as they are).

Figures use Matplotlib's Agg canvas directly (no pyplot, so a notebook's backend is left
alone). They are written as PNG and SVG with no timestamp or software version in their
metadata and a fixed SVG hash salt, so the same data give the same bytes.

Regenerate the report of an existing folder with ``python -m sim.report FOLDER [--lang id]``.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import math
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import stats

LANGS = ("en", "id")
"""Languages of the report: English and Bahasa Indonesia."""

OKABE_ITO = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
"""Okabe & Ito (2008) colour-blind-safe palette; yellow last because it is faint on white."""

PNG_METADATA = {"Software": None}
"""PNG metadata: no software version, so the figure's bytes depend on the data only."""

SVG_METADATA = {"Date": None, "Creator": None}
"""SVG metadata: no date and no creator (Matplotlib version)."""

SVG_HASHSALT = "sinergi"
"""Fixed salt for the ids inside SVG files, so that they do not change between runs."""

HEADLINE = ("p0", "p1", "p2", "watts", "mpi_m0", "gini")
"""Final-month metrics of the report's tables (shown x 100, index points)."""

DIFFERENCE_METRICS = ("p0", "p1", "watts", "mpi_m0", "gini")
"""Metrics of the paired-difference figure, one panel each."""

SPENDING = (
    "spent_transfers",
    "spent_delivery",
    "spent_overhead",
    "spent_fundraising",
    "spent_coordination",
    "spent_monitoring",
)
"""Where the money went: the ``spent_*`` columns, in stacking order."""

SPENDING_COLOURS = ("#08306B", "#2171B5", "#6BAED6", "#BDBDBD", "#737373", "#252525")
"""Colours of the spending categories: blues for programme money, greys for the rest."""

REACH_RATES = ("coverage_poor", "exclusion_error", "inclusion_error")
REACH_COUNTS = ("duplicate_enrolments", "duplicate_ngo_gov")

VFM_PANELS = (
    ("p1_closed_per_billion_rupiah", 1e5, "vfm_p1"),
    ("watts_closed_per_billion_rupiah", 1e5, "vfm_watts"),
    ("persons_out_per_billion_rupiah", 1.0, "vfm_persons"),
)
"""Value-for-money panels: summary metric, scale to the axis unit, text key of the axis."""

ASSUMPTIONS = (
    ("donors.elasticity", "a_donor"),
    ("cooperation.pool.awareness_effect", "a_awareness"),
    ("cooperation.alliance.coordination_cost", "a_coordination"),
    ("programmes.complementarity", "a_complementarity"),
    ("assets.trap_strength", "a_trap"),
    ("programmes.duplicate_effect", "a_duplicate"),
)
"""Assumptions that matter most: dotted path in the resolved scenario, text key."""

# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Sinergi batch report: {name}", "id": "Laporan batch Sinergi: {name}"},
    "p0": {"en": "poverty headcount", "id": "tingkat kemiskinan"},
    "p1": {"en": "poverty gap", "id": "indeks kedalaman kemiskinan"},
    "p2": {"en": "poverty severity", "id": "indeks keparahan kemiskinan"},
    "watts": {"en": "Watts index", "id": "indeks Watts"},
    "mpi_m0": {"en": "multidimensional poverty (MPI M0)", "id": "kemiskinan multidimensi (MPI M0)"},
    "gini": {"en": "Gini coefficient", "id": "koefisien Gini"},
    "short_p0": {"en": "P0 headcount", "id": "P0 tingkat kemiskinan"},
    "short_p1": {"en": "P1 poverty gap", "id": "P1 kedalaman"},
    "short_p2": {"en": "P2 severity", "id": "P2 keparahan"},
    "short_watts": {"en": "Watts", "id": "Watts"},
    "short_mpi_m0": {"en": "MPI M0", "id": "MPI M0"},
    "short_gini": {"en": "Gini", "id": "Gini"},
    "ci": {"en": "95% CI", "id": "IK 95% (95% CI)"},
    "ci_short": {"en": "95% CI", "id": "IK 95%"},
    "noise": {
        "en": "simulation noise given the parameters",
        "id": "derau simulasi dengan parameter tetap",
    },
    "noise_params": {
        "en": "simulation noise and parameter uncertainty (parameters drawn per replicate)",
        "id": "derau simulasi dan ketidakpastian parameter (parameter diundi per replikasi)",
    },
    "lowers": {"en": "lowers", "id": "menurunkan"},
    "raises": {"en": "raises", "id": "menaikkan"},
    "sentence": {
        "en": "Compared with {ref}, {scen} {verb} the {what} after {when} by {size} points "
        "({ci} {low} to {high}; {n} paired replications).",
        "id": "Dibandingkan dengan {ref}, {scen} {verb} {what} setelah {when} sebesar {size} "
        "poin ({ci} {low} sampai {high}; {n} replikasi berpasangan).",
    },
    "sentence_none": {
        "en": "Compared with {ref}, {scen} shows no detectable difference in the {what} after "
        "{when} (difference {size} points, {ci} {low} to {high}; {n} paired replications).",
        "id": "Dibandingkan dengan {ref}, {scen} tidak menunjukkan perbedaan yang terdeteksi "
        "(no detectable difference) pada {what} setelah {when} (selisih {size} poin, {ci} "
        "{low} sampai {high}; {n} replikasi berpasangan).",
    },
    "sentence_noci": {
        "en": "Compared with {ref}, {scen} changes the {what} after {when} by {size} points "
        "({n} paired replication; too few for a confidence interval).",
        "id": "Dibandingkan dengan {ref}, {scen} mengubah {what} setelah {when} sebesar {size} "
        "poin ({n} replikasi berpasangan; terlalu sedikit untuk selang kepercayaan).",
    },
    "years": {"en": "{n} years", "id": "{n} tahun"},
    "year": {"en": "1 year", "id": "1 tahun"},
    "months": {"en": "{n} months", "id": "{n} bulan"},
    "points_note": {
        "en": "Points are index points: the index x 100, as BPS publishes P0, P1 and P2.",
        "id": "Poin adalah poin indeks: indeks x 100, seperti BPS menerbitkan P0, P1 dan P2.",
    },
    "ci_note": {
        "en": "Every 95% CI in this report (Student t over replicates) covers {covers}.",
        "id": "Setiap IK 95% (95% CI) dalam laporan ini (Student t antar-replikasi) mencakup "
        "{covers}.",
    },
    "h_findings": {"en": "Key findings", "id": "Temuan utama"},
    "h_headline": {"en": "Headline: value for money", "id": "Ringkasan: nilai uang"},
    "headline_intro": {
        "en": "Scenarios ranked by poverty gap (P1) closed per rupiah against {base}, then by "
        "Watts closed per rupiah, then by the final headcount (lower is better).",
        "id": "Skenario diurutkan menurut kedalaman kemiskinan (P1) yang tertutup per rupiah "
        "dibandingkan {base}, lalu indeks Watts yang tertutup per rupiah, lalu tingkat "
        "kemiskinan akhir (lebih rendah lebih baik).",
    },
    "headline_top": {
        "en": "{scen} closes the most poverty gap per rupiah: {value} index points per "
        "Rp 1 trillion ({ci} {low} to {high}).",
        "id": "{scen} menutup kedalaman kemiskinan terbanyak per rupiah: {value} poin indeks "
        "per Rp 1 triliun ({ci} {low} sampai {high}).",
    },
    "headline_none": {
        "en": "No value-for-money ranking: {base} is not in the batch. Scenarios are ranked by "
        "the final poverty gap, then the headcount.",
        "id": "Tidak ada peringkat nilai uang: {base} tidak ada dalam batch. Skenario "
        "diurutkan menurut kedalaman kemiskinan akhir, lalu tingkat kemiskinan.",
    },
    "rank": {"en": "rank", "id": "peringkat"},
    "scenario": {"en": "scenario", "id": "skenario"},
    "n": {"en": "n", "id": "n"},
    "col_vfm_p1": {
        "en": "P1 closed per Rp trillion (points)",
        "id": "P1 tertutup per Rp triliun (poin)",
    },
    "col_vfm_watts": {
        "en": "Watts closed per Rp trillion (points)",
        "id": "Watts tertutup per Rp triliun (poin)",
    },
    "col_vfm_persons": {
        "en": "persons out of poverty per Rp billion",
        "id": "orang keluar dari kemiskinan per Rp miliar",
    },
    "col_spent": {"en": "spent over the run", "id": "belanja selama simulasi"},
    "col_final_p0": {"en": "final P0 (points)", "id": "P0 akhir (poin)"},
    "col_final_p1": {"en": "final P1 (points)", "id": "P1 akhir (poin)"},
    "h_final": {"en": "Poverty at the final month", "id": "Kemiskinan pada bulan terakhir"},
    "final_intro": {
        "en": "Mean over replicates [95% CI]; indices x 100 (index points).",
        "id": "Rata-rata antar-replikasi [IK 95% (95% CI)]; indeks x 100 (poin indeks).",
    },
    "h_diff": {"en": "Against the reference ({ref})", "id": "Dibandingkan acuan ({ref})"},
    "diff_intro": {
        "en": "Paired difference (scenario minus {ref}, same replicate seeds) at the final "
        "month, x 100, [95% CI], and the Holm-adjusted p-value of the paired t-test (family: "
        "every comparison in `summary.csv`, {family}). Negative means less poverty.",
        "id": "Selisih berpasangan (skenario dikurangi {ref}, benih replikasi sama) pada bulan "
        "terakhir, x 100, [IK 95% (95% CI)], dan nilai p Holm dari uji t berpasangan "
        "(keluarga: semua perbandingan dalam `summary.csv`, {family}). Negatif berarti "
        "kemiskinan lebih rendah.",
    },
    "holm": {"en": "Holm p", "id": "p Holm"},
    "h_vfm": {"en": "Value for money against {base}", "id": "Nilai uang dibandingkan {base}"},
    "vfm_intro": {
        "en": "Each replicate compared with the same-seed {base} run at the final month; "
        "mean [95% CI]. n/a while nothing is spent.",
        "id": "Setiap replikasi dibandingkan dengan simulasi {base} berbenih sama pada bulan "
        "terakhir; rata-rata [IK 95% (95% CI)]. n/a bila tidak ada belanja.",
    },
    "col_extra_out": {"en": "extra persons out", "id": "tambahan orang keluar"},
    "col_p1_closed": {"en": "P1 closed (points)", "id": "P1 tertutup (poin)"},
    "col_watts_closed": {"en": "Watts closed (points)", "id": "Watts tertutup (poin)"},
    "h_money": {"en": "Where the money went", "id": "Ke mana uang dibelanjakan"},
    "money_intro": {
        "en": "Spending summed over the run, mean over replicates.",
        "id": "Belanja dijumlahkan selama simulasi, rata-rata antar-replikasi.",
    },
    "spent_transfers": {"en": "transfers", "id": "transfer"},
    "spent_delivery": {"en": "delivery", "id": "penyaluran"},
    "spent_overhead": {"en": "overhead", "id": "biaya umum"},
    "spent_fundraising": {"en": "fundraising", "id": "penggalangan dana"},
    "spent_coordination": {"en": "coordination", "id": "koordinasi"},
    "spent_monitoring": {"en": "monitoring", "id": "pemantauan"},
    "total": {"en": "total", "id": "total"},
    "h_figures": {"en": "Figures", "id": "Gambar"},
    "h_assumptions": {
        "en": "Assumptions that matter most",
        "id": "Asumsi yang paling berpengaruh",
    },
    "assumptions_intro": {
        "en": "Values used in this batch (from `scenarios/<hash>.json`). They are "
        "assumptions, not estimates: test them with `--sweep` before quoting a result.",
        "id": "Nilai yang dipakai dalam batch ini (dari `scenarios/<hash>.json`). Ini asumsi, "
        "bukan estimasi: uji dengan `--sweep` sebelum mengutip hasil.",
    },
    "a_donor": {
        "en": "donor elasticity (`donors.elasticity`): how total giving responds to "
        "fundraising spend",
        "id": "elastisitas donasi (`donors.elasticity`): respons total donasi terhadap belanja "
        "penggalangan dana",
    },
    "a_awareness": {
        "en": "awareness effect (`cooperation.pool.awareness_effect`): extra effectiveness of "
        "a joint campaign",
        "id": "efek kesadaran (`cooperation.pool.awareness_effect`): tambahan efektivitas "
        "kampanye bersama",
    },
    "a_coordination": {
        "en": "coordination cost (`cooperation.alliance.coordination_cost`, Rp per member per "
        "month per 1,000 households)",
        "id": "biaya koordinasi (`cooperation.alliance.coordination_cost`, Rp per anggota per "
        "bulan per 1.000 rumah tangga)",
    },
    "a_complementarity": {
        "en": "complementarity (`programmes.complementarity`): extra effect per additional "
        "theme in a bundle",
        "id": "komplementaritas (`programmes.complementarity`): tambahan efek per tema "
        "tambahan dalam satu paket",
    },
    "a_trap": {
        "en": "poverty-trap strength (`assets.trap_strength`, 0 = no trap)",
        "id": "kekuatan jebakan kemiskinan (`assets.trap_strength`, 0 = tanpa jebakan)",
    },
    "a_duplicate": {
        "en": "duplicate effect (`programmes.duplicate_effect`): effect of a second enrolment "
        "relative to the first",
        "id": "efek duplikasi (`programmes.duplicate_effect`): efek pendaftaran kedua "
        "dibandingkan yang pertama",
    },
    "same_all": {"en": "{value} in every scenario", "id": "{value} di semua skenario"},
    "h_cite": {"en": "How to cite", "id": "How to cite / Cara mengutip"},
    "cite_intro": {
        "en": "To cite these results, quote the block below (also see `CITATION.cff`).",
        "id": "Untuk mengutip (cite) hasil ini, salin blok di bawah (lihat juga `CITATION.cff`).",
    },
    "modified": {"en": ", modified", "id": ", dengan perubahan"},
    "cite_run": {
        "en": ", batch run on {date} (UTC), root seed {seed}, {reps} replicates.",
        "id": ", batch dijalankan pada {date} (UTC), benih akar {seed}, {reps} replikasi.",
    },
    "cite_hashes": {
        "en": "Scenarios (content hash): {hashes}.",
        "id": "Skenario (hash isi): {hashes}.",
    },
    "h_batch": {"en": "About this batch", "id": "Tentang batch ini"},
    "b_command": {"en": "Command", "id": "Perintah"},
    "b_seed": {
        "en": "Root seed: {seed}; {reps} replicates per scenario point, replicate r with the "
        "same seed in every scenario (paired comparisons)",
        "id": "Benih akar: {seed}; {reps} replikasi per titik skenario, replikasi r dengan "
        "benih yang sama di setiap skenario (perbandingan berpasangan)",
    },
    "b_size": {"en": "Size", "id": "Ukuran"},
    "b_hh": {"en": "{h} households x {m} months", "id": "{h} rumah tangga x {m} bulan"},
    "b_reference": {"en": "Reference", "id": "Acuan"},
    "b_version": {
        "en": "Sinergi {v}; full provenance in `manifest.json`, every number in `summary.csv` "
        "(columns: `docs/outputs.md`)",
        "id": "Sinergi {v}; provenans lengkap di `manifest.json`, semua angka di `summary.csv` "
        "(kolom: `docs/outputs.md`)",
    },
    # Figures
    "month": {"en": "month", "id": "bulan"},
    "f_headcount": {
        "en": "Poverty headcount over time",
        "id": "Tingkat kemiskinan dari waktu ke waktu",
    },
    "f_headcount_y": {"en": "headcount P0 (% of persons)", "id": "tingkat kemiskinan P0 (% orang)"},
    "t_headcount": {
        "en": "{scen} ends with the lowest headcount ({value}%)",
        "id": "{scen} berakhir dengan tingkat kemiskinan terendah ({value}%)",
    },
    "band": {
        "en": "lines: mean; bands: 95% CI ({covers})",
        "id": "garis: rata-rata; pita: IK 95% ({covers})",
    },
    "hedge_ref": {
        "en": "; not detectably different from {ref}",
        "id": "; tidak berbeda secara terdeteksi dari {ref}",
    },
    "hedge_overlap": {
        "en": " (95% CI overlaps {other})",
        "id": " (IK 95% tumpang tindih dengan {other})",
    },
    "f_diff": {"en": "Paired differences from {ref}", "id": "Selisih berpasangan dari {ref}"},
    "f_diff_x": {
        "en": "difference from {ref} at month {m} (index points)",
        "id": "selisih dari {ref} pada bulan {m} (poin indeks)",
    },
    "t_diff": {
        "en": "{scen} lowers the poverty gap most against {ref}",
        "id": "{scen} paling menurunkan kedalaman kemiskinan dibanding {ref}",
    },
    "t_diff_none": {
        "en": "No scenario lowers the poverty gap detectably against {ref}",
        "id": "Tidak ada skenario yang menurunkan kedalaman kemiskinan secara terdeteksi "
        "dibanding {ref}",
    },
    "f_vfm": {"en": "Value for money against {base}", "id": "Nilai uang dibandingkan {base}"},
    "vfm_p1": {
        "en": "P1 closed (points per Rp trillion)",
        "id": "P1 tertutup (poin per Rp triliun)",
    },
    "vfm_watts": {
        "en": "Watts closed (points per Rp trillion)",
        "id": "Watts tertutup (poin per Rp triliun)",
    },
    "vfm_persons": {
        "en": "persons out of poverty per Rp billion",
        "id": "orang keluar dari kemiskinan per Rp miliar",
    },
    "t_vfm": {
        "en": "{scen} closes the most poverty gap per rupiah",
        "id": "{scen} menutup kedalaman kemiskinan terbanyak per rupiah",
    },
    "f_money": {"en": "Where the money went", "id": "Ke mana uang dibelanjakan"},
    "f_money_x": {
        "en": "spent over {m} months ({unit})",
        "id": "belanja selama {m} bulan ({unit})",
    },
    "t_money": {
        "en": "{scen} spends the most ({value}); {share}% of it reaches households as transfers",
        "id": "{scen} membelanjakan paling banyak ({value}); {share}% sampai ke rumah tangga "
        "sebagai transfer",
    },
    "t_money_none": {"en": "No programme money is spent", "id": "Tidak ada belanja program"},
    "f_reach": {"en": "Reach and targeting", "id": "Jangkauan dan ketepatan sasaran"},
    "coverage_poor": {"en": "coverage of the poor", "id": "cakupan penduduk miskin"},
    "exclusion_error": {"en": "exclusion error", "id": "galat eksklusi"},
    "inclusion_error": {"en": "inclusion error", "id": "galat inklusi"},
    "duplicate_enrolments": {"en": "duplicates NGO-NGO", "id": "duplikasi LSM-LSM"},
    "duplicate_ngo_gov": {"en": "duplicates NGO-government", "id": "duplikasi LSM-pemerintah"},
    "reach_pct": {"en": "% (mean over the run)", "id": "% (rata-rata selama simulasi)"},
    "reach_hh": {
        "en": "households (mean over the run)",
        "id": "rumah tangga (rata-rata selama simulasi)",
    },
    "t_reach": {
        "en": "{scen} reaches the largest share of the poor ({value}%)",
        "id": "{scen} menjangkau porsi penduduk miskin terbesar ({value}%)",
    },
    "f_coalition": {"en": "Coalition and trust", "id": "Koalisi dan kepercayaan"},
    "members": {"en": "coalition members (institutions)", "id": "anggota koalisi (lembaga)"},
    "trust": {"en": "mean trust (0-1)", "id": "rata-rata kepercayaan (0-1)"},
    "t_coalition": {
        "en": "{scen} keeps the largest coalition ({value} members at the end)",
        "id": "{scen} mempertahankan koalisi terbesar ({value} anggota di akhir)",
    },
    "t_coalition_none": {
        "en": "No scenario in this batch forms a coalition",
        "id": "Tidak ada skenario dalam batch ini yang membentuk koalisi",
    },
    "f_start_end": {"en": "Start versus end", "id": "Awal dibandingkan akhir"},
    "start_end_y": {"en": "index points (x 100)", "id": "poin indeks (x 100)"},
    "start": {"en": "month 0", "id": "bulan 0"},
    "end": {"en": "month {m}", "id": "bulan {m}"},
    "t_start_end": {
        "en": "{scen} reduces poverty severity (P2) most between month 0 and {m}",
        "id": "{scen} paling menurunkan keparahan kemiskinan (P2) antara bulan 0 dan {m}",
    },
    "lorenz_note": {
        "en": "The per-run files hold aggregates only (no household consumption), so the "
        "distribution is shown through P0, P1, P2 and the Gini at month 0 and at the end "
        "instead of a Lorenz curve.",
        "id": "Berkas per simulasi hanya menyimpan agregat (tanpa konsumsi rumah tangga), "
        "sehingga distribusi ditunjukkan melalui P0, P1, P2 dan Gini pada bulan 0 dan akhir, "
        "bukan kurva Lorenz.",
    },
    "no_vfm_fig": {
        "en": "The value-for-money figure needs `no_programs` in the batch.",
        "id": "Gambar nilai uang memerlukan `no_programs` dalam batch.",
    },
    "unit_bn": {"en": "Rp billion", "id": "miliar Rp"},
    "unit_tn": {"en": "Rp trillion", "id": "triliun Rp"},
    "unit_mn": {"en": "Rp million", "id": "juta Rp"},
}


def t(key: str, lang: str, **kwargs: Any) -> str:
    """The text ``key`` in ``lang`` with ``kwargs`` filled in."""
    text = TEXT[key][lang]
    return text.format(**kwargs) if kwargs else text


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


def _finite(value: Any) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: Any, decimals: int = 2, lang: str = "en") -> str:
    """A number with thousands separators: ``1,234.5`` in English, ``1.234,5`` in Indonesian.

    Args:
        value: The number (``None`` or NaN give ``"n/a"``).
        decimals: Digits after the decimal mark.
        lang: ``"en"`` or ``"id"``.

    Returns:
        The formatted text.
    """
    if not _finite(value):
        return "n/a"
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_rupiah(value: Any, lang: str = "en", decimals: int = 1) -> str:
    """Rupiah in words a reader expects: ``Rp 1.2 bn`` (English) or ``Rp 1,2 miliar``.

    Args:
        value: Rupiah.
        lang: ``"en"`` or ``"id"``.
        decimals: Digits after the decimal mark.

    Returns:
        The formatted amount, in millions, billions or trillions as fits.
    """
    if not _finite(value):
        return "n/a"
    v = float(value)
    units = (
        (1e12, "tn", "triliun"),
        (1e9, "bn", "miliar"),
        (1e6, "m", "juta"),
    )
    for size, en, idn in units:
        if abs(v) >= size:
            return f"Rp {fmt_number(v / size, decimals, lang)} {en if lang == 'en' else idn}"
    return f"Rp {fmt_number(v, 0, lang)}"


def _ci_text(mean: Any, low: Any, high: Any, scale: float, decimals: int, lang: str) -> str:
    text = fmt_number(float(mean) * scale if _finite(mean) else None, decimals, lang)
    if text != "n/a" and _finite(low) and _finite(high):
        text += (
            f" [{fmt_number(float(low) * scale, decimals, lang)}; "
            f"{fmt_number(float(high) * scale, decimals, lang)}]"
            if lang == "id"
            else f" [{fmt_number(float(low) * scale, decimals, lang)}, "
            f"{fmt_number(float(high) * scale, decimals, lang)}]"
        )
    return text


def _p(value: Any) -> str:
    if not _finite(value):
        return "n/a"
    return "<0.001" if float(value) < 0.001 else f"{float(value):.3f}"


def ci_covers(manifest: Mapping[str, Any], lang: str = "en") -> str:
    """What the report's confidence intervals cover, from the manifest.

    Args:
        manifest: The batch's manifest. A true ``parameter_uncertainty`` key means uncertain
            parameters were drawn per replicate.
        lang: ``"en"`` or ``"id"``.

    Returns:
        "simulation noise given the parameters", or the parameter-uncertainty wording.
    """
    return t("noise_params" if manifest.get("parameter_uncertainty") else "noise", lang)


def horizon(months: int, lang: str = "en") -> str:
    """``"10 years"`` for 120 months, ``"6 months"`` for 6 (in ``lang``)."""
    if months >= 12 and months % 12 == 0:
        return t("year", lang) if months == 12 else t("years", lang, n=months // 12)
    return t("months", lang, n=months)


def difference_sentence(
    scenario: str,
    reference: str,
    metric: str,
    diff_mean: float,
    diff_low: float,
    diff_high: float,
    n: int,
    months: int,
    lang: str = "en",
) -> str:
    """A brief-ready sentence on a paired difference in a poverty index.

    Args:
        scenario: Scenario id.
        reference: The scenario it is compared with.
        metric: ``p0``, ``p1``, ``p2``, ``watts``, ``mpi_m0`` or ``gini`` (a fraction).
        diff_mean: Mean paired difference, scenario minus reference (fraction).
        diff_low: Lower end of its 95% CI (fraction).
        diff_high: Upper end of its 95% CI (fraction).
        n: Paired replications.
        months: Months simulated.
        lang: ``"en"`` or ``"id"``.

    Returns:
        E.g. "Compared with competition, full_synergy lowers the poverty gap after 10 years
        by 0.09 points (95% CI 0.08 to 0.10; 20 paired replications)." When the interval
        spans zero the sentence says "no detectable difference".
    """
    lang = _check_lang(lang)
    common = {"ref": reference, "scen": scenario, "what": t(metric, lang)}
    common |= {"when": horizon(months, lang), "n": n, "ci": t("ci", lang)}
    if not (_finite(diff_low) and _finite(diff_high)):
        return t("sentence_noci", lang, size=fmt_number(100 * diff_mean, 2, lang), **common)
    if diff_low <= 0 <= diff_high:
        return t(
            "sentence_none",
            lang,
            size=fmt_number(100 * diff_mean, 2, lang),
            low=fmt_number(100 * diff_low, 2, lang),
            high=fmt_number(100 * diff_high, 2, lang),
            **common,
        )
    lower = diff_mean < 0
    low, high = (-diff_high, -diff_low) if lower else (diff_low, diff_high)
    return t(
        "sentence",
        lang,
        verb=t("lowers" if lower else "raises", lang),
        size=fmt_number(100 * abs(diff_mean), 2, lang),
        low=fmt_number(100 * low, 2, lang),
        high=fmt_number(100 * high, 2, lang),
        **common,
    )


# --------------------------------------------------------------------------------------------
# The data of a results folder
# --------------------------------------------------------------------------------------------


@dataclass
class ReportData:
    """What the report is drawn from, read from a results folder."""

    folder: Path
    manifest: dict[str, Any]
    summary: pd.DataFrame
    keys: list[str]
    timeseries: pd.DataFrame
    scenarios: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        """The scenario the others are compared with."""
        return str(self.manifest.get("reference") or "")

    @property
    def baseline(self) -> str:
        """The value-for-money baseline."""
        return str(self.manifest.get("baseline_for_value_for_money") or "no_programs")

    @property
    def months(self) -> int:
        """The longest horizon of the batch, in months."""
        return max((int(s["months"]) for s in self.manifest.get("scenarios", [])), default=0)

    def points(self) -> list[dict[str, Any]]:
        """Scenario points in batch order, as ``{key: value}``."""
        if self.summary.empty:
            return []
        return self.summary[self.keys].drop_duplicates().to_dict("records")

    def label(self, point: Mapping[str, Any]) -> str:
        """A point's label: the scenario id and its sweep values."""
        sweep = [f"{k}={point[k]}" for k in self.keys[1:]]
        name = str(point[self.keys[0]])
        return f"{name} ({', '.join(sweep)})" if sweep else name

    def row(self, point: Mapping[str, Any], statistic: str, metric: str) -> pd.Series | None:
        """The summary row of a point, statistic and metric, or ``None``."""
        s = self.summary
        if s.empty:
            return None
        mask = (s["statistic"] == statistic) & (s["metric"] == metric)
        for k in self.keys:
            mask &= s[k].astype(str) == str(point[k])
        rows = s[mask]
        return None if rows.empty else rows.iloc[0]

    def months_of(self, point: Mapping[str, Any]) -> int:
        """The horizon of a point, in months."""
        for s in self.manifest.get("scenarios", []):
            if s["scenario"] == point["scenario"] and all(
                str(s["sweep"].get(k)) == str(point[k]) for k in self.keys[1:]
            ):
                return int(s["months"])
        return self.months


def _read_timeseries(folder: Path, keys: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    index_path = folder / "runs.parquet"
    if not index_path.is_file():
        return pd.DataFrame()
    index = pd.read_parquet(index_path)
    frames = []
    for row in index[index["status"] == "done"].to_dict("records"):
        ts = pd.read_parquet(folder / row["file"])
        cols = ["month", *[c for c in columns if c in ts.columns]]
        ident = {k: row[k] for k in keys} | {"replicate": row["replicate"]}
        frames.append(ts[cols].assign(**ident))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def read_folder(
    folder: str | os.PathLike[str],
    manifest: Mapping[str, Any] | None = None,
    summary: pd.DataFrame | None = None,
    keys: Sequence[str] | None = None,
) -> ReportData:
    """Read what the report needs from a results folder.

    Args:
        folder: The results folder.
        manifest: The manifest when already in memory (else read from ``manifest.json``).
        summary: The summary when already in memory (else read from ``summary.csv``).
        keys: Columns identifying a point (default ``scenario`` and the manifest's sweep keys).

    Returns:
        The :class:`ReportData`.
    """
    folder = Path(folder)
    if manifest is None:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest = dict(manifest)
    keys = list(keys) if keys is not None else ["scenario", *manifest.get("sweep_keys", [])]
    if summary is None:
        path = folder / "summary.csv"
        summary = (
            pd.read_csv(path, dtype={"scenario": str, "reference": str})
            if path.is_file()
            else pd.DataFrame()
        )
    summary = summary.copy()
    if not summary.empty:
        summary["reference"] = summary["reference"].fillna("")
    columns = ["p0", "p1", "p2", "gini", "coalition_members", "mean_trust"]
    ts = _read_timeseries(folder, keys, columns)
    scenarios = {}
    for s in manifest.get("scenarios", []):
        path = folder / "scenarios" / f"{s['content_hash']}.json"
        if path.is_file():
            scenarios[s["content_hash"]] = json.loads(path.read_text(encoding="utf-8"))
    return ReportData(folder, manifest, summary, keys, ts, scenarios)


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


def scenario_colours(names: Sequence[str]) -> dict[str, str]:
    """One Okabe-Ito colour per scenario, assigned by sorted scenario name."""
    return {n: OKABE_ITO[i % len(OKABE_ITO)] for i, n in enumerate(sorted(set(names)))}


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Any, path: Path) -> list[Path]:
    """Write ``fig`` as ``path`` (PNG) and the same name with ``.svg``, reproducibly.

    Args:
        fig: A Matplotlib figure.
        path: The PNG path.

    Returns:
        The PNG and SVG paths.
    """
    import matplotlib

    path.parent.mkdir(parents=True, exist_ok=True)
    out = []
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path"}):
        for target, fmt, meta in (
            (path, "png", PNG_METADATA),
            (path.with_suffix(".svg"), "svg", SVG_METADATA),
        ):
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            fig.savefig(tmp, format=fmt, metadata=meta)
            os.replace(tmp, target)
            out.append(target)
    return out


def _style(ax: Any) -> None:
    ax.grid(True, alpha=0.3)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)


def _number_axis(axis: Any, lang: str, decimals: int | None = None) -> None:
    """Tick labels with the language's separators and as many decimals as the step needs."""
    from matplotlib.ticker import Formatter

    class _Locale(Formatter):  # type: ignore[misc]
        digits = 0 if decimals is None else decimals

        def set_locs(self, locs: Sequence[float]) -> None:
            super().set_locs(locs)
            if decimals is None:
                steps = np.diff(np.sort(np.asarray(locs, dtype=float)))
                steps = steps[steps > 0]
                step = float(steps.min()) if steps.size else 1.0
                self.digits = max(0, min(6, -math.floor(math.log10(step) + 1e-9)))

        def __call__(self, x: float, pos: int | None = None) -> str:
            return fmt_number(x, self.digits, lang)

    axis.set_major_formatter(_Locale())


def _bands(ts: pd.DataFrame, keys: Sequence[str], metric: str) -> pd.DataFrame:
    rows = []
    if ts.empty or metric not in ts:
        return pd.DataFrame()
    for point, g in ts.groupby(list(keys), sort=False, dropna=False):
        point = point if isinstance(point, tuple) else (point,)
        wide = g.pivot_table(index="replicate", columns="month", values=metric, dropna=False)
        mean, low, high = stats.band(wide.to_numpy(dtype=np.float64))
        frame = pd.DataFrame(
            {"month": wide.columns.to_numpy(), "mean": mean, "low": low, "high": high}
        )
        for k, v in zip(keys, point, strict=True):
            frame[k] = v
        rows.append(frame)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def headcount_figure(
    data: ReportData, path: Path, lang: str = "en", headcount: pd.DataFrame | None = None
) -> Path | None:
    """Figure 1: headcount (P0, %) over months per scenario point, with 95% bands."""
    bands = headcount if headcount is not None and not headcount.empty else None
    if bands is None:
        bands = _bands(data.timeseries, data.keys, "p0")
        if not bands.empty:
            bands["label"] = [data.label(r) for r in bands[data.keys].to_dict("records")]
    if bands is None or bands.empty:
        return None
    if "scenario" not in bands:
        bands = bands.assign(scenario=bands["label"].str.split(" ").str[0])
    colours = scenario_colours(bands["scenario"].astype(str))
    styles = ("-", "--", ":", "-.")
    fig = _figure(8, 5)
    ax = fig.add_subplot()
    seen: dict[str, int] = {}
    finals = {}
    for label in dict.fromkeys(bands["label"]):
        g = bands[bands["label"] == label]
        scen = str(g["scenario"].iloc[0])
        style = styles[seen.get(scen, 0) % len(styles)]
        seen[scen] = seen.get(scen, 0) + 1
        colour = colours[scen]
        ax.plot(g["month"], 100 * g["mean"], color=colour, ls=style, lw=1.8, label=label)
        if np.isfinite(g["low"].to_numpy(dtype=float)).any():
            ax.fill_between(
                g["month"], 100 * g["low"], 100 * g["high"], color=colour, alpha=0.18, lw=0
            )
        finals[label] = float(g["mean"].iloc[-1])
    best = min(finals, key=lambda k: finals[k])
    title = t("t_headcount", lang, scen=best, value=fmt_number(100 * finals[best], 1, lang))
    # Titles state a finding only as firmly as the paired comparison allows.
    point = next((p for p in data.points() if data.label(p) == best), None)
    row = data.row(point, "final", "p0") if point is not None else None
    if row is not None and row["reference"]:
        lo, hi = row["diff_ci_low"], row["diff_ci_high"]
        if not (_finite(lo) and _finite(hi)) or lo <= 0 <= hi:
            title += t("hedge_ref", lang, ref=row["reference"])
    ax.set_xlabel(t("month", lang))
    ax.set_ylabel(t("f_headcount_y", lang))
    _number_axis(ax.yaxis, lang)
    ax.set_title(title, fontsize=11)
    ax.text(
        0.0,
        -0.16,
        t("band", lang, covers=ci_covers(data.manifest, lang)),
        transform=ax.transAxes,
        fontsize=8,
        color="#444444",
    )
    _style(ax)
    ax.legend(fontsize=8, loc="best", frameon=False)
    fig.tight_layout()
    save_figure(fig, path)
    return path


def _dot_whisker(
    ax: Any,
    labels: Sequence[str],
    scenarios: Sequence[str],
    means: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    colours: Mapping[str, str],
) -> None:
    y = np.arange(len(labels))[::-1]
    for yi, scen, m, lo, hi in zip(y, scenarios, means, lows, highs, strict=True):
        c = colours[scen]
        if _finite(lo) and _finite(hi):
            ax.errorbar(
                [m], [yi], xerr=[[m - lo], [hi - m]], fmt="o", color=c, capsize=4, ms=6, lw=1.6
            )
        else:
            ax.plot([m], [yi], "o", color=c, ms=6)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.axvline(0, color="#555555", lw=0.8)
    _style(ax)


def differences_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Figure 2: final P0, P1, Watts, MPI M0 and Gini as paired differences from the reference."""
    pts = [
        p for p in data.points() if (r := data.row(p, "final", "p1")) is not None and r["reference"]
    ]
    if not pts:
        return None
    colours = scenario_colours([str(p["scenario"]) for p in data.points()])
    fig = _figure(11, 1.6 + 0.45 * len(pts) + 1.6)
    axes = fig.subplots(1, len(DIFFERENCE_METRICS), sharey=True)
    best, best_val = None, 0.0
    for ax, metric in zip(axes, DIFFERENCE_METRICS, strict=True):
        means, lows, highs = [], [], []
        for p in pts:
            r = data.row(p, "final", metric)
            vals = (
                [np.nan] * 3 if r is None else [r["diff_mean"], r["diff_ci_low"], r["diff_ci_high"]]
            )
            vals = [100 * float(v) if _finite(v) else np.nan for v in vals]
            means.append(vals[0])
            lows.append(vals[1])
            highs.append(vals[2])
            if metric == "p1" and _finite(vals[2]) and vals[2] < 0 and vals[0] < best_val:
                best, best_val = data.label(p), vals[0]
        _dot_whisker(
            ax,
            [data.label(p) for p in pts],
            [str(p["scenario"]) for p in pts],
            means,
            lows,
            highs,
            colours,
        )
        ax.set_title(t(f"short_{metric}", lang), fontsize=10)
        _number_axis(ax.xaxis, lang)
        ax.tick_params(axis="x", labelsize=8)
    fig.supxlabel(t("f_diff_x", lang, ref=data.reference, m=data.months), fontsize=9)
    title = (
        t("t_diff", lang, scen=best, ref=data.reference)
        if best
        else t("t_diff_none", lang, ref=data.reference)
    )
    fig.suptitle(
        title + f"\n({t('ci_short', lang)}: {ci_covers(data.manifest, lang)})", fontsize=11
    )
    fig.tight_layout()
    save_figure(fig, path)
    return path


def _vfm_points(data: ReportData) -> list[dict[str, Any]]:
    return [p for p in data.points() if data.row(p, "value_for_money", "spent") is not None]


def value_for_money_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Figure 3: P1 and Watts closed per Rp trillion, persons out per Rp billion, with CIs."""
    pts = _vfm_points(data)
    if not pts:
        return None
    colours = scenario_colours([str(p["scenario"]) for p in data.points()])
    fig = _figure(11, 1.6 + 0.45 * len(pts) + 1.6)
    axes = fig.subplots(1, len(VFM_PANELS), sharey=True)
    ranking = _ranking(data)
    for ax, (metric, scale, key) in zip(axes, VFM_PANELS, strict=True):
        means, lows, highs = [], [], []
        for p in pts:
            r = data.row(p, "value_for_money", metric)
            vals = [np.nan] * 3 if r is None else [r["mean"], r["ci_low"], r["ci_high"]]
            vals = [scale * float(v) if _finite(v) else np.nan for v in vals]
            means.append(vals[0])
            lows.append(vals[1])
            highs.append(vals[2])
        _dot_whisker(
            ax,
            [data.label(p) for p in pts],
            [str(p["scenario"]) for p in pts],
            means,
            lows,
            highs,
            colours,
        )
        ax.set_xlabel(t(key, lang), fontsize=9)
        _number_axis(ax.xaxis, lang)
        ax.tick_params(axis="x", labelsize=8)
    top = ranking[0][0] if ranking else ""
    hedge = ""
    if len(ranking) > 1 and ranking[0][4] is not None and ranking[1][4] is not None:
        low, high = ranking[0][4]["ci_low"], ranking[1][4]["ci_high"]
        if not (_finite(low) and _finite(high)) or low <= high:
            hedge = t("hedge_overlap", lang, other=ranking[1][0])
    fig.suptitle(
        t("t_vfm", lang, scen=top)
        + hedge
        + f"\n({t('f_vfm', lang, base=data.baseline)}; "
        + f"{t('ci_short', lang)}: {ci_covers(data.manifest, lang)})",
        fontsize=11,
    )
    fig.tight_layout()
    save_figure(fig, path)
    return path


def _spending(data: ReportData) -> list[tuple[str, str, dict[str, float]]]:
    out = []
    for p in data.points():
        months = data.months_of(p)
        sums = {}
        for col in SPENDING:
            r = data.row(p, "run_mean", col)
            sums[col] = float(r["mean"]) * months if r is not None and _finite(r["mean"]) else 0.0
        out.append((data.label(p), str(p["scenario"]), sums))
    return out


def _rupiah_unit(values: Sequence[float]) -> tuple[float, str]:
    top = max((abs(v) for v in values), default=0.0)
    if top >= 1e12:
        return 1e12, "unit_tn"
    if top >= 1e9:
        return 1e9, "unit_bn"
    return 1e6, "unit_mn"


def money_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Figure 4: stacked bars of where the money went per scenario point, summed over the run."""
    spend = _spending(data)
    if not spend:
        return None
    totals = [sum(s.values()) for _, _, s in spend]
    scale, unit = _rupiah_unit(totals)
    fig = _figure(9, 1.8 + 0.45 * len(spend) + 1.2)
    ax = fig.add_subplot()
    y = np.arange(len(spend))[::-1]
    left = np.zeros(len(spend))
    # Categories get their own sequential shades, so they are not read as scenario colours.
    for i, col in enumerate(SPENDING):
        vals = np.array([s[col] for _, _, s in spend]) / scale
        ax.barh(
            y,
            vals,
            left=left,
            color=SPENDING_COLOURS[i],
            label=t(col, lang),
            edgecolor="white",
            lw=0.5,
        )
        left += vals
    ax.set_yticks(y)
    ax.set_yticklabels([label for label, _, _ in spend], fontsize=8)
    ax.set_xlabel(t("f_money_x", lang, m=data.months, unit=t(unit, lang)))
    _number_axis(ax.xaxis, lang)
    _style(ax)
    ax.legend(fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    i_top = int(np.argmax(totals))
    if totals[i_top] > 0:
        share = 100 * spend[i_top][2]["spent_transfers"] / totals[i_top]
        title = t(
            "t_money",
            lang,
            scen=spend[i_top][0],
            value=fmt_rupiah(totals[i_top], lang),
            share=fmt_number(share, 0, lang),
        )
    else:
        title = t("t_money_none", lang)
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    save_figure(fig, path)
    return path


def reach_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Figure 5: coverage, exclusion and inclusion errors (%) and duplicates (households)."""
    pts = data.points()
    if not pts:
        return None
    colours = scenario_colours([str(p["scenario"]) for p in pts])
    fig = _figure(11, 4.8)
    ax_rate, ax_dup = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    width = 0.8 / len(pts)
    best, best_val = "", -1.0
    for j, p in enumerate(pts):
        c = colours[str(p["scenario"])]
        for group, metrics, ax, scale in (
            ("rate", REACH_RATES, ax_rate, 100.0),
            ("count", REACH_COUNTS, ax_dup, 1.0),
        ):
            xs = np.arange(len(metrics)) - 0.4 + width * (j + 0.5)
            means, errs = [], [[], []]
            for metric in metrics:
                r = data.row(p, "run_mean", metric)
                m = float(r["mean"]) * scale if r is not None and _finite(r["mean"]) else np.nan
                lo = float(r["ci_low"]) * scale if r is not None and _finite(r["ci_low"]) else m
                hi = float(r["ci_high"]) * scale if r is not None and _finite(r["ci_high"]) else m
                means.append(m)
                errs[0].append(max(m - lo, 0.0) if _finite(m) else 0.0)
                errs[1].append(max(hi - m, 0.0) if _finite(m) else 0.0)
                if metric == "coverage_poor" and _finite(m) and m > best_val:
                    best, best_val = data.label(p), m
            ax.bar(
                xs,
                np.nan_to_num(means),
                width=width,
                color=c,
                yerr=errs,
                capsize=2,
                error_kw={"lw": 0.8},
                label=data.label(p) if group == "rate" else None,
            )
    for ax, metrics, ylabel in (
        (ax_rate, REACH_RATES, "reach_pct"),
        (ax_dup, REACH_COUNTS, "reach_hh"),
    ):
        ax.set_xticks(np.arange(len(metrics)))
        ax.set_xticklabels([t(m, lang) for m in metrics], fontsize=8)
        ax.set_ylabel(t(ylabel, lang))
        _number_axis(ax.yaxis, lang)
        _style(ax)
    handles, labels = ax_rate.get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, ncol=min(len(labels), 5), loc="lower center")
    fig.suptitle(
        t("t_reach", lang, scen=best, value=fmt_number(best_val, 1, lang))
        + f"\n({t('ci_short', lang)}: {ci_covers(data.manifest, lang)})",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    save_figure(fig, path)
    return path


def coalition_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Figure 6: coalition members and mean trust over months, mean over replicates."""
    ts = data.timeseries
    if ts.empty or "coalition_members" not in ts:
        return None
    colours = scenario_colours([str(p["scenario"]) for p in data.points()])
    fig = _figure(11, 4.6)
    ax_m, ax_t = fig.subplots(1, 2)
    finals: dict[str, float] = {}
    for metric, ax in (("coalition_members", ax_m), ("mean_trust", ax_t)):
        bands = _bands(ts, data.keys, metric) if metric in ts else pd.DataFrame()
        if bands.empty:
            continue
        for point, g in bands.groupby(data.keys, sort=False, dropna=False):
            point = point if isinstance(point, tuple) else (point,)
            p = dict(zip(data.keys, point, strict=True))
            c = colours[str(p["scenario"])]
            mean = g["mean"].to_numpy(dtype=float)
            if not np.isfinite(mean).any():
                continue
            ax.plot(g["month"], mean, color=c, lw=1.8, label=data.label(p))
            ax.fill_between(g["month"], g["low"], g["high"], color=c, alpha=0.18, lw=0)
            if metric == "coalition_members":
                finals[data.label(p)] = float(mean[-1])
    ax_m.set_ylabel(t("members", lang))
    ax_t.set_ylabel(t("trust", lang))
    ax_t.set_ylim(0, 1)
    for ax in (ax_m, ax_t):
        ax.set_xlabel(t("month", lang))
        _number_axis(ax.yaxis, lang)
        _style(ax)
    if ax_m.get_legend_handles_labels()[0]:
        ax_m.legend(fontsize=8, frameon=False, loc="center right")
    if finals and max(finals.values()) > 0:
        best = max(finals, key=lambda k: finals[k])
        digits = 0 if float(finals[best]).is_integer() else 1
        title = t("t_coalition", lang, scen=best, value=fmt_number(finals[best], digits, lang))
    else:
        title = t("t_coalition_none", lang)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    save_figure(fig, path)
    return path


def start_end_figure(data: ReportData, path: Path, lang: str = "en") -> Path | None:
    """Figure 7: P0, P1, P2 and Gini at month 0 and at the end, per scenario point."""
    ts = data.timeseries
    metrics = [m for m in ("p0", "p1", "p2", "gini") if m in ts]
    if ts.empty or not metrics:
        return None
    pts = data.points()
    colours = scenario_colours([str(p["scenario"]) for p in pts])
    fig = _figure(11, 4.6)
    axes = fig.subplots(1, len(metrics))
    axes = np.atleast_1d(axes)
    drops: dict[str, float] = {}
    for ax, metric in zip(axes, metrics, strict=True):
        for p in pts:
            mask = np.ones(len(ts), dtype=bool)
            for k in data.keys:
                mask &= ts[k].astype(str).to_numpy() == str(p[k])
            g = ts[mask]
            if g.empty:
                continue
            start = 100 * g[g["month"] == g["month"].min()][metric].mean()
            end = 100 * g[g["month"] == g["month"].max()][metric].mean()
            c = colours[str(p["scenario"])]
            ax.plot([0, 1], [start, end], color=c, lw=1.6, marker="o", label=data.label(p))
            if metric == "p2":
                drops[data.label(p)] = start - end
        ax.set_xticks([0, 1])
        ax.set_xticklabels([t("start", lang), t("end", lang, m=data.months)], fontsize=8)
        ax.set_xlim(-0.3, 1.3)
        ax.set_title(t(f"short_{metric}", lang), fontsize=10)
        _number_axis(ax.yaxis, lang)
        _style(ax)
    axes[0].set_ylabel(t("start_end_y", lang))
    axes[-1].legend(fontsize=7, frameon=False, loc="best")
    if drops:
        best = max(drops, key=lambda k: drops[k])
        fig.suptitle(t("t_start_end", lang, scen=best, m=data.months), fontsize=11)
    fig.tight_layout()
    save_figure(fig, path)
    return path


FIGURES: tuple[tuple[str, Callable[..., Path | None]], ...] = (
    ("headcount", headcount_figure),
    ("differences", differences_figure),
    ("value_for_money", value_for_money_figure),
    ("money", money_figure),
    ("reach", reach_figure),
    ("coalition", coalition_figure),
    ("start_end", start_end_figure),
)
"""Figures of the report, in order: file stem and the function drawing it."""

CAPTIONS = {
    "headcount": {
        "en": "Poverty headcount over time: mean and 95% band per scenario.",
        "id": "Tingkat kemiskinan dari waktu ke waktu: rata-rata dan pita IK 95% per skenario.",
    },
    "differences": {
        "en": "Final P0, P1, Watts, MPI M0 and Gini as paired differences from the reference.",
        "id": "P0, P1, Watts, MPI M0 dan Gini akhir sebagai selisih berpasangan dari acuan.",
    },
    "value_for_money": {
        "en": "Value for money against no_programs, with 95% CIs.",
        "id": "Nilai uang dibandingkan no_programs, dengan IK 95%.",
    },
    "money": {
        "en": "Where the money went: spending by category over the run.",
        "id": "Ke mana uang dibelanjakan: belanja per kategori selama simulasi.",
    },
    "reach": {
        "en": "Reach: coverage of the poor, exclusion and inclusion errors, duplicates.",
        "id": "Jangkauan: cakupan penduduk miskin, galat eksklusi dan inklusi, duplikasi.",
    },
    "coalition": {
        "en": "Coalition members and mean trust over time.",
        "id": "Anggota koalisi dan rata-rata kepercayaan dari waktu ke waktu.",
    },
    "start_end": {
        "en": "P0, P1, P2 and Gini at month 0 and at the end.",
        "id": "P0, P1, P2 dan Gini pada bulan 0 dan di akhir.",
    },
}


def write_figures(
    data: ReportData, lang: str = "en", headcount: pd.DataFrame | None = None
) -> dict[str, Path]:
    """Draw every figure the data support into ``<folder>/figures`` (PNG and SVG).

    Args:
        data: The folder's data.
        lang: ``"en"`` or ``"id"``.
        headcount: Precomputed headcount bands (``label``, ``scenario``, ``month``, ``mean``,
            ``low``, ``high``), else computed from the runs.

    Returns:
        Figure stem mapped to its PNG path, for the figures drawn.
    """
    out = {}
    for stem, draw in FIGURES:
        path = data.folder / "figures" / f"{stem}.png"
        kwargs = {"headcount": headcount} if stem == "headcount" else {}
        made = draw(data, path, lang, **kwargs)
        if made is not None:
            out[stem] = made
    return out


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def _ranking(data: ReportData) -> list[tuple[str, float, float, float, pd.Series | None]]:
    """Points ranked by P1 closed per rupiah, Watts closed per rupiah, then final headcount."""
    rows = []
    for p in _vfm_points(data):
        p1 = data.row(p, "value_for_money", "p1_closed_per_billion_rupiah")
        watts = data.row(p, "value_for_money", "watts_closed_per_billion_rupiah")
        p0 = data.row(p, "final", "p0")

        def val(r: pd.Series | None, col: str = "mean") -> float:
            return float(r[col]) if r is not None and _finite(r[col]) else -math.inf

        rows.append((data.label(p), val(p1), val(watts), -val(p0), p1))
    rows.sort(key=lambda r: (-r[1], -r[2], -r[3]))
    return rows


@dataclass
class _Doc:
    """A report as blocks, rendered to Markdown and to HTML."""

    blocks: list[tuple[str, Any]] = field(default_factory=list)

    def h(self, level: int, text: str) -> None:
        self.blocks.append(("h", (level, text)))

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def ul(self, items: Sequence[str]) -> None:
        self.blocks.append(("ul", list(items)))

    def ol(self, items: Sequence[str]) -> None:
        self.blocks.append(("ol", list(items)))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> None:
        self.blocks.append(("table", (list(header), [list(r) for r in rows], align)))

    def fig(self, path: str, caption: str) -> None:
        self.blocks.append(("fig", (path, caption)))

    def code(self, text: str) -> None:
        self.blocks.append(("code", text))

    def markdown(self) -> str:
        out: list[str] = []
        for kind, value in self.blocks:
            if kind == "h":
                out += ["#" * value[0] + " " + value[1], ""]
            elif kind == "p":
                out += [value, ""]
            elif kind == "ul":
                out += [f"- {item}" for item in value] + [""]
            elif kind == "ol":
                out += [f"{i}. {item}" for i, item in enumerate(value, 1)] + [""]
            elif kind == "table":
                header, rows, align = value
                out.append("| " + " | ".join(header) + " |")
                out.append("|" + "".join("---|" if a == "l" else "---:|" for a in align))
                out += ["| " + " | ".join(r) + " |" for r in rows]
                out.append("")
            elif kind == "fig":
                out += [f"![{value[1]}]({value[0]})", "", f"*{value[1]}*", ""]
            elif kind == "code":
                out += ["```text", value, "```", ""]
        return "\n".join(out).rstrip("\n") + "\n"

    def html(self, folder: Path, title: str, lang: str) -> str:
        def inline(text: str) -> str:
            text = html.escape(text)
            text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
            return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", text)

        body: list[str] = []
        for kind, value in self.blocks:
            if kind == "h":
                body.append(f"<h{value[0]}>{inline(value[1])}</h{value[0]}>")
            elif kind == "p":
                body.append(f"<p>{inline(value)}</p>")
            elif kind in ("ul", "ol"):
                items = "".join(f"<li>{inline(i)}</li>" for i in value)
                body.append(f"<{kind}>{items}</{kind}>")
            elif kind == "table":
                header, rows, align = value
                cls = ["" if a == "l" else ' class="num"' for a in align]
                head = "".join(f"<th{c}>{inline(h)}</th>" for h, c in zip(header, cls, strict=True))
                trs = "".join(
                    "<tr>"
                    + "".join(f"<td{c}>{inline(x)}</td>" for x, c in zip(r, cls, strict=True))
                    + "</tr>"
                    for r in rows
                )
                body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table>")
            elif kind == "fig":
                data = base64.b64encode((folder / value[0]).read_bytes()).decode("ascii")
                body.append(
                    f'<figure><img alt="{html.escape(value[1])}" '
                    f'src="data:image/png;base64,{data}"><figcaption>{inline(value[1])}'
                    "</figcaption></figure>"
                )
            elif kind == "code":
                body.append(f"<pre>{html.escape(value)}</pre>")
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body)
            + "\n</body>\n</html>\n"
        )


CSS = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:62rem;"
    "margin:2rem auto;padding:0 1rem;line-height:1.45;color:#222}"
    "h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;"
    "margin-top:2rem}table{border-collapse:collapse;margin:1rem 0;font-size:.85rem}"
    "th,td{border:1px solid #ccc;padding:.25rem .5rem}th{background:#f3f3f3}"
    ".num{text-align:right}figure{margin:1.5rem 0}img{max-width:100%}"
    "figcaption{font-size:.85rem;color:#555}pre{background:#f6f6f6;padding:.75rem;"
    "overflow-x:auto;white-space:pre-wrap}code{background:#f3f3f3;padding:0 .2rem}"
)


def _assumption_lines(data: ReportData, lang: str) -> list[str]:
    lines = []
    for dotted, key in ASSUMPTIONS:
        values: dict[str, Any] = {}
        for s in data.manifest.get("scenarios", []):
            doc: Any = data.scenarios.get(s["content_hash"])
            for part in dotted.split("."):
                doc = doc.get(part) if isinstance(doc, dict) else None
            if doc is not None:
                label = s["scenario"] + (
                    f" ({', '.join(f'{k}={v}' for k, v in s['sweep'].items())})"
                    if s["sweep"]
                    else ""
                )
                values[label] = doc
        if not values:
            continue

        def show(v: Any) -> str:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                return str(v)
            return fmt_number(v, 0 if abs(v) >= 100 else 2, lang)

        distinct = {json.dumps(v) for v in values.values()}
        if len(distinct) == 1:
            text = t("same_all", lang, value=show(next(iter(values.values()))))
        else:
            text = "; ".join(f"{k}: {show(v)}" for k, v in values.items())
        lines.append(f"{t(key, lang)}: {text}")
    return lines


def build_report(
    data: ReportData, lang: str = "en", headcount: pd.DataFrame | None = None
) -> tuple[str, str]:
    """Draw the figures and compose the report.

    Args:
        data: The folder's data.
        lang: ``"en"`` or ``"id"``.
        headcount: Precomputed headcount bands (else computed from the runs).

    Returns:
        ``(markdown, html)``.
    """
    lang = _check_lang(lang)
    manifest = data.manifest
    figures = write_figures(data, lang, headcount)
    ref = data.reference
    covers = ci_covers(manifest, lang)
    doc = _Doc()
    title = t("title", lang, name=data.folder.name)
    doc.h(1, title)

    # Key findings: sentences from the paired statistics.
    doc.h(2, t("h_findings", lang))
    sentences = []
    for p in data.points():
        for metric in ("p1", "p0", "watts"):
            r = data.row(p, "final", metric)
            if r is None or not r["reference"] or int(r["diff_n"]) < 1:
                continue
            sentences.append(
                difference_sentence(
                    data.label(p),
                    str(r["reference"]),
                    metric,
                    float(r["diff_mean"]),
                    float(r["diff_ci_low"]),
                    float(r["diff_ci_high"]),
                    int(r["diff_n"]),
                    data.months_of(p),
                    lang,
                )
            )
    if sentences:
        doc.ul(sentences)
    doc.p(t("ci_note", lang, covers=covers) + " " + t("points_note", lang))

    # Headline: value for money ranking.
    doc.h(2, t("h_headline", lang))
    ranking = _ranking(data)
    if ranking:
        doc.p(t("headline_intro", lang, base=data.baseline))
        top = ranking[0][4]
        if top is not None and _finite(top["mean"]):
            doc.p(
                "**"
                + t(
                    "headline_top",
                    lang,
                    scen=ranking[0][0],
                    value=fmt_number(1e5 * float(top["mean"]), 3, lang),
                    ci=t("ci", lang),
                    low=fmt_number(1e5 * float(top["ci_low"]), 3, lang),
                    high=fmt_number(1e5 * float(top["ci_high"]), 3, lang),
                )
                + "**"
            )
        rows = []
        label_to_point = {data.label(p): p for p in data.points()}
        for i, (label, *_rest) in enumerate(ranking, 1):
            p = label_to_point[label]
            cells = [str(i), label]
            for metric, scale, _ in VFM_PANELS:
                r = data.row(p, "value_for_money", metric)
                d = 3 if scale > 1 else 2
                cells.append(
                    "n/a"
                    if r is None
                    else _ci_text(r["mean"], r["ci_low"], r["ci_high"], scale, d, lang)
                )
            spent = data.row(p, "value_for_money", "spent")
            cells.append(fmt_rupiah(spent["mean"] if spent is not None else None, lang))
            p0 = data.row(p, "final", "p0")
            cells.append(
                "n/a"
                if p0 is None
                else _ci_text(p0["mean"], p0["ci_low"], p0["ci_high"], 100, 2, lang)
            )
            rows.append(cells)
        doc.table(
            [
                t("rank", lang),
                t("scenario", lang),
                t("col_vfm_p1", lang),
                t("col_vfm_watts", lang),
                t("col_vfm_persons", lang),
                t("col_spent", lang),
                t("col_final_p0", lang),
            ],
            rows,
            "rlrrrrr",
        )
    else:
        doc.p(t("headline_none", lang, base=data.baseline))
        order = []
        for p in data.points():
            p1 = data.row(p, "final", "p1")
            p0 = data.row(p, "final", "p0")
            v1 = float(p1["mean"]) if p1 is not None and _finite(p1["mean"]) else math.inf
            v0 = float(p0["mean"]) if p0 is not None and _finite(p0["mean"]) else math.inf
            order.append((v1, v0, data.label(p), p1, p0))
        order.sort(key=lambda r: (r[0], r[1]))
        doc.table(
            [
                t("rank", lang),
                t("scenario", lang),
                t("col_final_p1", lang),
                t("col_final_p0", lang),
            ],
            [
                [
                    str(i),
                    label,
                    "n/a"
                    if p1 is None
                    else _ci_text(p1["mean"], p1["ci_low"], p1["ci_high"], 100, 2, lang),
                    "n/a"
                    if p0 is None
                    else _ci_text(p0["mean"], p0["ci_low"], p0["ci_high"], 100, 2, lang),
                ]
                for i, (_, _, label, p1, p0) in enumerate(order, 1)
            ],
            "rlrr",
        )

    # About the batch.
    doc.h(2, t("h_batch", lang))
    scen = manifest.get("scenarios", [])
    sizes = sorted({(s["households"], s["months"]) for s in scen})
    doc.ul(
        [
            f"{t('b_command', lang)}: `{manifest.get('command', '')}`",
            t("b_seed", lang, seed=manifest.get("root_seed"), reps=manifest.get("reps")),
            f"{t('b_size', lang)}: "
            + "; ".join(t("b_hh", lang, h=fmt_number(h, 0, lang), m=m) for h, m in sizes),
            f"{t('b_reference', lang)}: {ref}"
            + (f". {manifest['reference_note']}" if manifest.get("reference_note") else ""),
            t("b_version", lang, v=manifest.get("versions", {}).get("sinergi")),
        ]
    )

    # Tables.
    doc.h(2, t("h_final", lang))
    doc.p(t("final_intro", lang) + f" {t('ci_short', lang)}: {covers}.")
    rows = []
    for p in data.points():
        cells = [data.row(p, "final", m) for m in HEADLINE]
        n = next((int(c["n"]) for c in cells if c is not None), 0)
        rows.append(
            [data.label(p), str(n)]
            + [
                "n/a" if c is None else _ci_text(c["mean"], c["ci_low"], c["ci_high"], 100, 2, lang)
                for c in cells
            ]
        )
    doc.table(
        [t("scenario", lang), "n"] + [t(f"short_{m}", lang) for m in HEADLINE],
        rows,
        "lr" + "r" * len(HEADLINE),
    )

    summary = data.summary
    if not summary.empty and (summary["reference"] != "").any():
        family = int(np.isfinite(summary["p_value"].to_numpy(dtype=float)).sum())
        doc.h(2, t("h_diff", lang, ref=ref))
        doc.p(t("diff_intro", lang, ref=ref, family=family) + f" {t('ci_short', lang)}: {covers}.")
        rows = []
        for p in data.points():
            cells = [data.row(p, "final", m) for m in DIFFERENCE_METRICS]
            if all(c is None or not c["reference"] for c in cells):
                continue
            row = [data.label(p)]
            for c in cells:
                if c is None:
                    row += ["n/a", "n/a"]
                else:
                    row += [
                        _ci_text(c["diff_mean"], c["diff_ci_low"], c["diff_ci_high"], 100, 3, lang),
                        _p(c["p_holm"]),
                    ]
            rows.append(row)
        header = [t("scenario", lang)]
        for m in DIFFERENCE_METRICS:
            header += [t(f"short_{m}", lang), t("holm", lang)]
        doc.table(header, rows, "l" + "rr" * len(DIFFERENCE_METRICS))

    vfm_pts = _vfm_points(data)
    if vfm_pts:
        doc.h(2, t("h_vfm", lang, base=data.baseline))
        doc.p(t("vfm_intro", lang, base=data.baseline) + f" {t('ci_short', lang)}: {covers}.")
        cols = (
            ("extra_persons_out", 1.0, 0, "col_extra_out"),
            ("p1_closed", 100.0, 3, "col_p1_closed"),
            ("watts_closed", 100.0, 3, "col_watts_closed"),
        )
        rows = []
        for p in vfm_pts:
            row = [data.label(p)]
            for metric, scale, d, _ in cols:
                r = data.row(p, "value_for_money", metric)
                row.append(
                    "n/a"
                    if r is None
                    else _ci_text(r["mean"], r["ci_low"], r["ci_high"], scale, d, lang)
                )
            spent = data.row(p, "value_for_money", "spent")
            row.append(fmt_rupiah(spent["mean"] if spent is not None else None, lang))
            rows.append(row)
        doc.table(
            [t("scenario", lang)] + [t(k, lang) for *_, k in cols] + [t("col_spent", lang)],
            rows,
            "lrrrr",
        )

    spend = _spending(data)
    if spend:
        doc.h(2, t("h_money", lang))
        doc.p(t("money_intro", lang))
        doc.table(
            [t("scenario", lang)] + [t(c, lang) for c in SPENDING] + [t("total", lang)],
            [
                [label]
                + [fmt_rupiah(s[c], lang) for c in SPENDING]
                + [fmt_rupiah(sum(s.values()), lang)]
                for label, _, s in spend
            ],
            "l" + "r" * (len(SPENDING) + 1),
        )

    # Figures.
    doc.h(2, t("h_figures", lang))
    for stem, _ in FIGURES:
        if stem in figures:
            doc.fig(f"figures/{stem}.png", CAPTIONS[stem][lang])
        elif stem == "value_for_money":
            doc.p(t("no_vfm_fig", lang))
    doc.p(t("lorenz_note", lang))

    # Assumptions.
    assumptions = _assumption_lines(data, lang)
    if assumptions:
        doc.h(2, t("h_assumptions", lang))
        doc.p(t("assumptions_intro", lang))
        doc.ul(assumptions)

    # How to cite.
    git = manifest.get("git") or {}
    commit = git.get("commit")
    date = str(manifest.get("finished") or manifest.get("started") or "")[:10]
    hashes = "; ".join(
        f"{s['scenario']}"
        + (f" ({', '.join(f'{k}={v}' for k, v in s['sweep'].items())})" if s["sweep"] else "")
        + f" {s['content_hash']}"
        for s in scen
    )
    doc.h(2, t("h_cite", lang))
    doc.p(t("cite_intro", lang))
    modified = t("modified", lang) if git.get("dirty") else ""
    doc.code(
        f"Sinergi {manifest.get('versions', {}).get('sinergi')}"
        + (f" (commit {commit[:12]}{modified})" if commit else "")
        + t("cite_run", lang, date=date, seed=manifest.get("root_seed"), reps=manifest.get("reps"))
        + "\n"
        + t("cite_hashes", lang, hashes=hashes)
        + "\n"
        + f"{t('b_command', lang)}: {manifest.get('command', '')}"
    )
    return doc.markdown(), doc.html(data.folder, title, lang)


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_report(
    folder: str | os.PathLike[str],
    manifest: Mapping[str, Any] | None = None,
    summary: pd.DataFrame | None = None,
    headcount: pd.DataFrame | None = None,
    keys: Sequence[str] | None = None,
    lang: str = "en",
) -> Path:
    """Write ``report.md``, ``report.html`` and ``figures/*.png|svg`` into a results folder.

    Args:
        folder: The results folder.
        manifest: The batch's manifest (default: read ``manifest.json``).
        summary: The batch summary (default: read ``summary.csv``).
        headcount: Headcount bands per point (``label``, ``month``, ``mean``, ``low``,
            ``high``); default computed from the runs.
        keys: Columns identifying a point (``scenario`` and the swept fields).
        lang: ``"en"`` (default) or ``"id"`` (Bahasa Indonesia).

    Returns:
        The path of ``report.md``.
    """
    lang = _check_lang(lang)
    data = read_folder(folder, manifest, summary, keys)
    markdown, page = build_report(data, lang, headcount)
    path = data.folder / "report.md"
    _write_text(path, markdown)
    _write_text(data.folder / "report.html", page)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sim.report FOLDER [--lang id]``: rewrite a folder's report and figures."""
    parser = argparse.ArgumentParser(prog="python -m sim.report", description=main.__doc__)
    parser.add_argument("folder", help="a results folder written by run_scenarios.py")
    parser.add_argument("--lang", choices=LANGS, default="en", help="report language")
    args = parser.parse_args(argv)
    path = write_report(args.folder, lang=args.lang)
    print(f"report: {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
