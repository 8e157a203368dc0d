"""Class palette: CIEDE2000 against published values, and 25+ classes that stay distinguishable."""

from __future__ import annotations

import numpy as np
import pytest

from graphssl.cad.palette import (RESERVED, class_palette, delta_e_2000, min_pairwise_delta_e, srgb_to_lab)

#: Pairs from Sharma, Wu and Dalal (2005), Table 1: (Lab 1, Lab 2, CIEDE2000).
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
]


@pytest.mark.parametrize("lab1, lab2, expected", SHARMA_PAIRS)
def test_ciede2000_matches_published_pairs(lab1, lab2, expected):
    assert delta_e_2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert delta_e_2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_srgb_to_lab_reference_colours():
    # D65 white and sRGB red, by the CIE formulas.
    assert np.allclose(srgb_to_lab([1.0, 1.0, 1.0]), [100.0, 0.0, 0.0], atol=1e-3)
    assert np.allclose(srgb_to_lab([1.0, 0.0, 0.0]), [53.2408, 80.0925, 67.2032], atol=1e-3)


def test_first_25_colours_are_far_apart_and_away_from_reserved_tones():
    colours = class_palette(32)
    assert min_pairwise_delta_e(colours[:25]) > 15.0
    assert min_pairwise_delta_e(colours) > 12.0
    lab = srgb_to_lab(colours[:25])
    for reserved in RESERVED:
        assert delta_e_2000(lab, srgb_to_lab(reserved)).min() > 15.0
    assert class_palette(16) == colours[:16]  # a class keeps its colour whatever the class count


def test_pairs_reported_as_confusable_are_now_distinct():
    # MFInstSeg indices: slanted_through_step 10 vs round 23, blind_hole 12 vs triangular_blind_step 20.
    lab = srgb_to_lab(class_palette(25))
    for a, b in ((10, 23), (12, 20)):
        assert delta_e_2000(lab[a], lab[b]) > 15.0
