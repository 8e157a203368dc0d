#!/usr/bin/env bash
# Run the DGL interop tests against a real DGL, in a side venv that borrows torch.
#
# Usage: scripts/test_dgl.sh [MAIN_VENV] [DGL_VENV]
#   MAIN_VENV  the project's venv with torch, torch_geometric and graphssl's
#              dependencies (default: .venv)
#   DGL_VENV   the side venv to create or reuse (default: .venv-dgl next to MAIN_VENV)
#
# Why a side venv: the newest DGL wheel for Python 3.11 (2.1.0) cannot be
# imported with torch >= 2.3, and dgl==1.1.3 needs setuptools<70, which
# conflicts with torch's own setuptools requirement. So DGL_VENV holds only
# dgl==1.1.3, setuptools<70 and packaging; a .pth file appends MAIN_VENV's
# site-packages, so torch and everything else come from there without being
# reinstalled. The repo root goes first on PYTHONPATH, so graphssl is this
# checkout. A second run reuses DGL_VENV when dgl already imports in it.
#
# GRAPHSSL_REQUIRE_DGL=1 turns the tests' skip-if-no-dgl into a failure.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
MAIN_VENV="${1:-.venv}"
if [ ! -x "$MAIN_VENV/bin/python" ]; then
    echo "test_dgl.sh: no venv at $MAIN_VENV; install the project first (make install) or pass its venv" >&2
    exit 2
fi
MAIN_VENV="$(cd "$MAIN_VENV" && pwd)"
DGL_VENV="${2:-$(dirname "$MAIN_VENV")/.venv-dgl}"
DGL_SPEC="${DGL_SPEC:-dgl==1.1.3}"

MAIN_PY="$MAIN_VENV/bin/python"
if ! "$MAIN_PY" -c "import importlib.util as u, sys; sys.exit(not all(u.find_spec(m) for m in ('torch', 'torch_geometric')))" 2>/dev/null; then
    echo "test_dgl.sh: $MAIN_VENV has no working torch + torch_geometric; install the project first (make install)" >&2
    exit 2
fi

if [ ! -x "$DGL_VENV/bin/python" ]; then
    echo "test_dgl.sh: creating $DGL_VENV"
    "$MAIN_PY" -m venv "$DGL_VENV"
fi
DGL_PY="$DGL_VENV/bin/python"
main_site="$("$MAIN_PY" -c "import sysconfig; p = sysconfig.get_paths(); print(p['purelib']); print(p['platlib'])" | sort -u)"
dgl_site="$("$DGL_PY" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")"
# Lines of a .pth are appended to sys.path after DGL_VENV's own site-packages,
# so DGL_VENV's setuptools<70 shadows MAIN_VENV's newer one.
printf '%s\n' "$main_site" > "$dgl_site/graphssl_main_venv.pth"

export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"
# With DGLBACKEND set, DGL does not write ~/.dgl/config.json on first import.
export DGLBACKEND=pytorch

if version="$("$DGL_PY" -c "import dgl; print(dgl.__version__)" 2>/dev/null)"; then
    echo "test_dgl.sh: reusing $DGL_VENV (dgl $version)"
else
    # --no-deps: dgl's own requirements (numpy, scipy, networkx, requests,
    # tqdm, psutil) already come from MAIN_VENV through the .pth file.
    "$DGL_PY" -m pip install --quiet --disable-pip-version-check --no-deps "$DGL_SPEC" "setuptools<70" packaging
    for module in numpy scipy networkx requests tqdm psutil; do
        "$DGL_PY" -c "import $module" 2>/dev/null || "$DGL_PY" -m pip install --quiet --disable-pip-version-check "$module"
    done
    "$DGL_PY" -c "import dgl" || { echo "test_dgl.sh: dgl still does not import in $DGL_VENV" >&2; exit 1; }
fi

cd "$REPO"
GRAPHSSL_REQUIRE_DGL=1 exec "$DGL_PY" -m pytest -q -p no:cacheprovider tests/interop/test_dgl.py
