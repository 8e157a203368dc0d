"""draw_fragments writes PNG and SVG pictures and rejects bad requests."""

from __future__ import annotations

import pytest

from graphssl.errors import ConfigError, InvalidGraphError
from tests.conftest import requires

pytestmark = requires("rdkit")


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<?xml")])
@pytest.mark.parametrize("method", [True, "rings", "brics"])
def test_writes_picture(tmp_path, suffix, magic, method):
    from graphssl.chem import draw_fragments

    path = draw_fragments("CC(C)Cc1ccc(cc1)C(C)C(=O)O", tmp_path / f"ibuprofen{suffix}", fragments=method)
    data = path.read_bytes()
    assert data.startswith(magic) and len(data) > 2000


def test_svg_shows_one_colour_per_fragment(tmp_path):
    import re

    from graphssl.chem import draw_fragments, mol_to_graph
    from graphssl.chem.draw import PALETTE

    smiles = "c1ccccc1-c1ccccc1CCO"
    svg = draw_fragments(smiles, tmp_path / "m.svg").read_text()
    drawn = [tuple(int(h[i : i + 2], 16) for i in (1, 3, 5)) for h in set(re.findall(r"#[0-9A-Fa-f]{6}", svg))]
    count = mol_to_graph(smiles, fragments=True).num_fragments
    assert count == 3
    for rgb in PALETTE[:count]:
        assert any(all(abs(255 * c - d) <= 1 for c, d in zip(rgb, colour)) for colour in drawn), rgb
    assert not any(all(abs(255 * c - d) <= 1 for c, d in zip(PALETTE[count], colour)) for colour in drawn)


def test_bad_requests(tmp_path):
    from graphssl.chem import draw_fragments

    with pytest.raises(ConfigError, match=".png or .svg"):
        draw_fragments("CCO", tmp_path / "m.jpg")
    with pytest.raises(InvalidGraphError, match="unclosed ring"):
        draw_fragments("C1CC", tmp_path / "m.png")
    for size in ((-5, 100), (300, 0), (300,), (300.5, 200)):
        with pytest.raises(ConfigError, match=r"^size: must be two positive integers"):
            draw_fragments("CCO", tmp_path / "m.png", size=size)
