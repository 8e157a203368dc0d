"""The 25 machining-feature classes of MFCAD++ and MFInstSeg, in index order.

This is AAGNet's ``feat_names`` order (``../shared/data/mfinstseg_sample/classes.json``);
MFCAD's 16 classes are the planar subset of it, plus ``stock``.
"""

FEATURE_CLASSES = (
    "chamfer", "through_hole", "triangular_passage", "rectangular_passage", "6sides_passage",
    "triangular_through_slot", "rectangular_through_slot", "circular_through_slot", "rectangular_through_step",
    "2sides_through_step", "slanted_through_step", "Oring", "blind_hole", "triangular_pocket", "rectangular_pocket",
    "6sides_pocket", "circular_end_pocket", "rectangular_blind_slot", "v_circular_end_blind_slot",
    "h_circular_end_blind_slot", "triangular_blind_step", "circular_blind_step", "rectangular_blind_step", "round",
    "stock",
)
CLASS_INDEX = {name: i for i, name in enumerate(FEATURE_CLASSES)}
STOCK = CLASS_INDEX["stock"]
