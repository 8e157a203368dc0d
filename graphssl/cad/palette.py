"""Class colours that stay distinguishable for 25 and more classes (numpy only).

Colours are chosen by greedy farthest-point sampling in CIEDE2000 (Sharma, Wu
and Dalal, "The CIEDE2000 color-difference formula: implementation notes,
supplementary test data, and mathematical observations", Color Research &
Application 30(1), 2005): starting from the colours the viewer already uses
(white background, black edges, the grey of unlabelled faces, the stock tone),
each new class colour is the sRGB grid colour whose smallest CIEDE2000
difference to every colour chosen so far is largest. The sequence is
deterministic and prefix-stable: ``class_palette(16)`` is the first 16 colours
of ``class_palette(25)``, so a class keeps its colour across datasets.

Example::

    colours = class_palette(25)              # [(r, g, b), ...] in [0, 1]
    min_pairwise_delta_e(colours)            # > 15 CIEDE2000 units
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

#: Grey for faces without a label.
UNLABELLED = (0.75, 0.75, 0.75)
#: Stock faces are drawn in a neutral tone so features stand out.
STOCK = (0.82, 0.80, 0.74)
#: Colours a class colour must stay away from: background, edge lines, unlabelled and stock faces.
RESERVED = ((1.0, 1.0, 1.0), (0.08, 0.08, 0.08), UNLABELLED, STOCK)
#: sRGB levels per channel of the candidate grid.
GRID_LEVELS = 16
#: CIELAB lightness range of class colours: flat shading darkens faces down to 45 %, and edges are near black.
LIGHTNESS_RANGE = (38.0, 90.0)

# sRGB (D65) -> CIE XYZ, and the D65 reference white.
_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def srgb_to_lab(rgb) -> np.ndarray:
    """CIELAB (D65) of sRGB colours in ``[0, 1]``.

    Shapes:
        rgb: ``[..., 3]``; output ``[..., 3]`` as ``(L, a, b)``.
    """
    rgb = np.asarray(rgb, dtype=float)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _RGB_TO_XYZ.T / _WHITE
    delta = 6.0 / 29.0
    f = np.where(xyz > delta**3, np.cbrt(xyz), xyz / (3 * delta**2) + 4.0 / 29.0)
    return np.stack([116.0 * f[..., 1] - 16.0, 500.0 * (f[..., 0] - f[..., 1]), 200.0 * (f[..., 1] - f[..., 2])],
                    axis=-1)


def delta_e_2000(lab1, lab2) -> np.ndarray:
    """CIEDE2000 colour difference (``kL = kC = kH = 1``), broadcasting over leading dimensions.

    Shapes:
        lab1, lab2: ``[..., 3]`` CIELAB; output ``[...]``.
    """
    lab1, lab2 = np.asarray(lab1, dtype=float), np.asarray(lab2, dtype=float)
    l1, a1, b1 = np.moveaxis(lab1, -1, 0)
    l2, a2, b2 = np.moveaxis(lab2, -1, 0)
    chroma_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2.0
    g = 0.5 * (1.0 - np.sqrt(chroma_mean**7 / (chroma_mean**7 + 25.0**7)))
    a1p, a2p = (1.0 + g) * a1, (1.0 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.where((a1p == 0) & (b1 == 0), 0.0, np.degrees(np.arctan2(b1, a1p)) % 360.0)
    h2p = np.where((a2p == 0) & (b2 == 0), 0.0, np.degrees(np.arctan2(b2, a2p)) % 360.0)
    chroma_zero = c1p * c2p == 0
    dh = h2p - h1p
    dh = np.where(dh > 180.0, dh - 360.0, np.where(dh < -180.0, dh + 360.0, dh))
    dh = np.where(chroma_zero, 0.0, dh)
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2.0 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) / 2.0)
    l_mean, c_mean = (l1 + l2) / 2.0, (c1p + c2p) / 2.0
    h_sum, h_gap = h1p + h2p, np.abs(h1p - h2p)
    h_mean = np.where(h_gap <= 180.0, h_sum / 2.0, np.where(h_sum < 360.0, (h_sum + 360.0) / 2.0,
                                                             (h_sum - 360.0) / 2.0))
    h_mean = np.where(chroma_zero, h_sum, h_mean)
    t = (1.0 - 0.17 * np.cos(np.radians(h_mean - 30.0)) + 0.24 * np.cos(np.radians(2.0 * h_mean))
         + 0.32 * np.cos(np.radians(3.0 * h_mean + 6.0)) - 0.20 * np.cos(np.radians(4.0 * h_mean - 63.0)))
    d_theta = 30.0 * np.exp(-(((h_mean - 275.0) / 25.0) ** 2))
    r_c = 2.0 * np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7))
    s_l = 1.0 + 0.015 * (l_mean - 50.0) ** 2 / np.sqrt(20.0 + (l_mean - 50.0) ** 2)
    s_c = 1.0 + 0.045 * c_mean
    s_h = 1.0 + 0.015 * c_mean * t
    r_t = -np.sin(np.radians(2.0 * d_theta)) * r_c
    terms = (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h)
    return np.sqrt(np.maximum(terms, 0.0))


@lru_cache(maxsize=None)
def _candidates() -> tuple[np.ndarray, np.ndarray]:
    levels = np.linspace(0.0, 1.0, GRID_LEVELS)
    rgb = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    lab = srgb_to_lab(rgb)
    keep = (lab[:, 0] >= LIGHTNESS_RANGE[0]) & (lab[:, 0] <= LIGHTNESS_RANGE[1])
    return rgb[keep], lab[keep]


@lru_cache(maxsize=None)
def _greedy(n: int) -> tuple[tuple[float, float, float], ...]:
    rgb, lab = _candidates()
    nearest = np.min([delta_e_2000(lab, srgb_to_lab(c)) for c in RESERVED], axis=0)
    chosen = []
    for _ in range(n):
        best = int(np.argmax(nearest))
        chosen.append(tuple(float(v) for v in rgb[best]))
        nearest = np.minimum(nearest, delta_e_2000(lab, lab[best]))
    return tuple(chosen)


def class_palette(n: int) -> list[tuple[float, float, float]]:
    """The first ``n`` class colours (sRGB in ``[0, 1]``), see the module docstring."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    return list(_greedy(max(n, 0)))


def min_pairwise_delta_e(colours) -> float:
    """Smallest CIEDE2000 difference between two of ``colours`` (sRGB ``[k, 3]``, ``k >= 2``)."""
    lab = srgb_to_lab(np.asarray(colours, dtype=float))
    distances = delta_e_2000(lab[:, None, :], lab[None, :, :])
    distances[np.diag_indices(len(lab))] = np.inf
    return float(distances.min())
