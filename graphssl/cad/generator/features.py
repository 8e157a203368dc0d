"""The machining-feature catalogue: random, valid parameters -> a tool solid to cut.

Every feature is placed on one face of the stock block, described by a
:class:`Placement`: local coordinates ``a`` (along), ``b`` (across, into the
face) and ``w`` (along the outward normal; the face is ``w = 0``). Tools
reach ``margin`` beyond the stock wherever they open to the outside, so no tool
face is coplanar with a stock face.

- *plan* features are a profile in the face plane, extruded from the floor
  ``w = -depth`` up through the face (the floor is the bottom face);
- *section* features are a cross-section in the ``(b, w)`` plane extruded along
  ``a`` through the whole part.

Each builder takes ``(rng, placement, config)`` and returns ``(loops, depth)``
for plan features or ``loops`` for section features, or ``None`` when the face
is too small for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from graphssl.cad.generator.sketch import SketchPlane, polygon


@dataclass(frozen=True)
class Placement:
    """Local frame of a feature on a stock face.

    Attributes:
        origin, a_dir, b_dir, normal: 3D origin and unit axes (``normal`` points out of the stock).
        length_a, length_b: Face extent along ``a`` and ``b``.
        thickness: Stock thickness under the face.
    """

    origin: np.ndarray
    a_dir: np.ndarray
    b_dir: np.ndarray
    normal: np.ndarray
    length_a: float
    length_b: float
    thickness: float

    def plane(self, w: float) -> SketchPlane:
        """The plan sketch plane at height ``w``."""
        return SketchPlane(self.origin + w * self.normal, self.a_dir, self.b_dir)

    def section_plane(self, a: float) -> SketchPlane:
        """The cross-section sketch plane ``(b, w)`` at ``a``."""
        return SketchPlane(self.origin + a * self.a_dir, self.b_dir, self.normal)


def _blind_depth(rng, p: Placement, c) -> float | None:
    high = min(0.6 * p.thickness, p.thickness - c.min_len)
    return float(rng.uniform(max(c.min_len / 2, 0.15 * p.thickness), high)) if high > c.min_len / 2 else None


def _inner(rng, p: Placement, c, half_a: float, half_b: float):
    """Random centre for a profile of half extents ``half_a`` x ``half_b`` inside the face, or ``None``."""
    room_a, room_b = p.length_a / 2 - c.clearance - half_a, p.length_b / 2 - c.clearance - half_b
    if room_a < 0 or room_b < 0:
        return None
    return (p.length_a / 2 + rng.uniform(-room_a, room_a), p.length_b / 2 + rng.uniform(-room_b, room_b))


def _radius(rng, p: Placement, c) -> float | None:
    high = min(0.3 * min(p.length_a, p.length_b), min(p.length_a, p.length_b) / 2 - c.clearance)
    return float(rng.uniform(c.min_len, high)) if high > c.min_len else None


def _regular(centre, radius: float, sides: int, start: float, jitter: float = 0.0, rng=None) -> list:
    angles = start + 2 * math.pi * np.arange(sides) / sides
    if jitter and rng is not None:
        angles = angles + rng.uniform(-jitter, jitter, sides)
    return [(centre[0] + radius * math.cos(t), centre[1] + radius * math.sin(t)) for t in angles]


def _round_profile(sides: int):
    def build(rng, p, c):
        r = _radius(rng, p, c)
        centre = _inner(rng, p, c, r, r) if r else None
        if centre is None:
            return None
        if sides == 0:
            return [[("circle", centre, r)]]
        jitter = math.pi / 9 if sides == 3 else 0.0
        return [polygon(_regular(centre, r, sides, rng.uniform(0, 2 * math.pi), jitter, rng))]
    return build


def _rectangle(rng, p, c):
    high_a, high_b = 0.35 * p.length_a, 0.35 * p.length_b
    if min(high_a, high_b) < c.min_len / 2:
        return None
    half_a, half_b = rng.uniform(c.min_len / 2, high_a), rng.uniform(c.min_len / 2, high_b)
    centre = _inner(rng, p, c, half_a, half_b)
    if centre is None:
        return None
    (x, y) = centre
    return [polygon([(x - half_a, y - half_b), (x + half_a, y - half_b), (x + half_a, y + half_b),
                     (x - half_a, y + half_b)])]


def _stadium(rng, p, c):
    r = _radius(rng, p, c)
    if r is None or p.length_a < 2 * r + c.min_len + 2 * c.clearance:
        return None
    half = rng.uniform(r + c.min_len / 2, min(0.4 * p.length_a, p.length_a / 2 - c.clearance))
    centre = _inner(rng, p, c, half, r)
    if centre is None:
        return None
    x, y = centre
    a0, a1 = x - half + r, x + half - r
    return [[("line", (a0, y - r), (a1, y - r)), ("arc", (a1, y - r), (a1 + r, y), (a1, y + r)),
             ("line", (a1, y + r), (a0, y + r)), ("arc", (a0, y + r), (a0 - r, y), (a0, y - r))]]


def _o_ring(rng, p, c):
    r = _radius(rng, p, c)
    centre = _inner(rng, p, c, r, r) if r else None
    if centre is None or r < c.min_len:
        return None
    inner = rng.uniform(0.35 * r, r - c.min_len / 2)
    return [[("circle", centre, r)], [("circle", centre, inner)]]


def _slot_span(rng, p, c, width_low: float):
    """Along-edge start and width of an edge slot, or ``None``."""
    high = min(0.4 * p.length_a, p.length_a - 2 * c.clearance)
    if high < width_low:
        return None
    width = rng.uniform(width_low, high)
    return rng.uniform(c.clearance, p.length_a - c.clearance - width), width


def _reach(rng, p, c, low: float) -> float | None:
    high = 0.7 * p.length_b - c.clearance
    return float(rng.uniform(low, high)) if high > low else None


def _blind_slot(rng, p, c):
    span, reach = _slot_span(rng, p, c, c.min_len), _reach(rng, p, c, c.min_len)
    if span is None or reach is None:
        return None
    a0, w = span
    return [polygon([(a0, -c.margin), (a0 + w, -c.margin), (a0 + w, reach), (a0, reach)])]


def _v_round_slot(rng, p, c):
    span = _slot_span(rng, p, c, c.min_len)
    if span is None:
        return None
    a0, w = span
    r = w / 2
    reach = _reach(rng, p, c, r + c.min_len)
    if reach is None:
        return None
    return [[("line", (a0, -c.margin), (a0 + w, -c.margin)), ("line", (a0 + w, -c.margin), (a0 + w, reach - r)),
             ("arc", (a0 + w, reach - r), (a0 + r, reach), (a0, reach - r)),
             ("line", (a0, reach - r), (a0, -c.margin))]]


def _h_round_slot(rng, p, c):
    reach = _reach(rng, p, c, c.min_len)
    span = _slot_span(rng, p, c, 2 * reach + c.min_len) if reach else None
    if span is None:
        return None
    a0, w = span
    h, s = reach, math.sqrt(0.5)
    a1 = a0 + w
    return [[("line", (a0, -c.margin), (a1, -c.margin)), ("line", (a1, -c.margin), (a1, 0.0)),
             ("arc", (a1, 0.0), (a1 - h + h * s, h * s), (a1 - h, h)), ("line", (a1 - h, h), (a0 + h, h)),
             ("arc", (a0 + h, h), (a0 + h - h * s, h * s), (a0, 0.0)), ("line", (a0, 0.0), (a0, -c.margin))]]


def _across(rng, p, c):
    """A strip across the whole face (through along ``a``): ``(b0, width)`` or ``None``."""
    high = min(0.4 * p.length_b, p.length_b - 2 * c.clearance)
    if high < c.min_len:
        return None
    width = rng.uniform(c.min_len, high)
    return rng.uniform(c.clearance, p.length_b - c.clearance - width), width


def _through_slot(rng, p, c):
    strip = _across(rng, p, c)
    if strip is None:
        return None
    b0, w = strip
    a0, a1 = -c.margin, p.length_a + c.margin
    return [polygon([(a0, b0), (a1, b0), (a1, b0 + w), (a0, b0 + w)])]


def _through_step(rng, p, c):
    s = _reach(rng, p, c, c.min_len)
    if s is None:
        return None
    a0, a1, m = -c.margin, p.length_a + c.margin, c.margin
    return [polygon([(a0, -m), (a1, -m), (a1, s), (a0, s)])]


def _two_sides_step(rng, p, c):
    apex_b = _reach(rng, p, c, 2 * c.min_len)
    if apex_b is None:
        return None
    apex_a = rng.uniform(0.3, 0.7) * p.length_a
    s1, s2 = rng.uniform(c.min_len, 0.7 * apex_b), rng.uniform(c.min_len, 0.7 * apex_b)
    m = c.margin
    left = s1 - m * (apex_b - s1) / apex_a
    right = s2 - m * (apex_b - s2) / (p.length_a - apex_a)
    return [polygon([(-m, -m), (p.length_a + m, -m), (p.length_a + m, right), (apex_a, apex_b), (-m, left)])]


def _corner_legs(rng, p, c):
    high_a, high_b = 0.6 * p.length_a - c.clearance, 0.6 * p.length_b - c.clearance
    if min(high_a, high_b) < c.min_len:
        return None
    return rng.uniform(c.min_len, high_a), rng.uniform(c.min_len, high_b)


def _rect_corner(rng, p, c):
    legs = _corner_legs(rng, p, c)
    if legs is None:
        return None
    s1, s2, m = *legs, c.margin
    return [polygon([(-m, -m), (s1, -m), (s1, s2), (-m, s2)])]


def _triangle_corner(rng, p, c):
    legs = _corner_legs(rng, p, c)
    if legs is None:
        return None
    s1, s2, m = *legs, c.margin
    return [polygon([(-m, -m), (s1 * (1 + m / s2), -m), (-m, s2 * (1 + m / s1))])]


def _round_corner(rng, p, c):
    legs = _corner_legs(rng, p, c)
    if legs is None:
        return None
    r, m, s = min(legs), c.margin, math.sqrt(0.5)
    return [[("line", (-m, -m), (r, -m)), ("line", (r, -m), (r, 0.0)), ("arc", (r, 0.0), (r * s, r * s), (0.0, r)),
             ("line", (0.0, r), (-m, r)), ("line", (-m, r), (-m, -m))]]


def _v_groove(rng, p, c, depth):
    strip = _across(rng, p, c)
    if strip is None:
        return None
    b0, w = strip
    centre, half, m = b0 + w / 2, w / 2, c.margin
    spread = half * (1 + m / depth)
    return [polygon([(centre, -depth), (centre + spread, m), (centre - spread, m)])]


def _round_groove(rng, p, c, depth):
    strip = _across(rng, p, c)
    if strip is None:
        return None
    b0, w = strip
    return [[("circle", (b0 + w / 2, 0.0), min(w / 2, depth))]]


def _slanted_step(rng, p, c, depth):
    s = _reach(rng, p, c, c.min_len)
    if s is None:
        return None
    m = c.margin
    return [polygon([(-m, -depth - m * depth / s), (s + m * s / depth, m), (-m, m)])]


#: Plan features: class -> (placement kind, builder, through?).
PLAN_FEATURES = {
    "through_hole": ("inner", _round_profile(0), True),
    "blind_hole": ("inner", _round_profile(0), False),
    "triangular_passage": ("inner", _round_profile(3), True),
    "triangular_pocket": ("inner", _round_profile(3), False),
    "rectangular_passage": ("inner", _rectangle, True),
    "rectangular_pocket": ("inner", _rectangle, False),
    "6sides_passage": ("inner", _round_profile(6), True),
    "6sides_pocket": ("inner", _round_profile(6), False),
    "circular_end_pocket": ("inner", _stadium, False),
    "Oring": ("inner", _o_ring, False),
    "rectangular_blind_slot": ("edge", _blind_slot, False),
    "v_circular_end_blind_slot": ("edge", _v_round_slot, False),
    "h_circular_end_blind_slot": ("edge", _h_round_slot, False),
    "rectangular_through_slot": ("edge", _through_slot, False),
    "rectangular_through_step": ("edge", _through_step, False),
    "2sides_through_step": ("edge", _two_sides_step, False),
    "rectangular_blind_step": ("corner", _rect_corner, False),
    "triangular_blind_step": ("corner", _triangle_corner, False),
    "circular_blind_step": ("corner", _round_corner, False),
}
#: Section features: class -> builder ``(rng, placement, config, depth)``.
SECTION_FEATURES = {
    "triangular_through_slot": _v_groove,
    "circular_through_slot": _round_groove,
    "slanted_through_step": _slanted_step,
}
#: Edge blends: class -> OpenCascade operation.
BLEND_FEATURES = {"chamfer": "chamfer", "round": "round"}


def blind_depth(rng, placement: Placement, config) -> float | None:
    """A random blind depth leaving at least ``min_len`` of material, or ``None``."""
    return _blind_depth(rng, placement, config)
