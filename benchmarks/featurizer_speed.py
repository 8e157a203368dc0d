"""SMILES -> embedding throughput of MoleculeFeaturizer (GraSPNet, Wu et al., arXiv 2602.20344) against RDKit ECFP4.

End to end, in molecules/s: parsing and featurizing (``n_jobs`` processes),
batching and the encoder (``torch`` threads), on 1 core and on 2, with RDKit's
Morgan radius-2 2,048-bit fingerprint in the same process as the reference.
Not a timed test; record the figures in BENCHMARKS.md with the machine's load.

Example::

    python benchmarks/featurizer_speed.py --checkpoint runs/graspnet/graspnet_moses.pt --molecules 20000
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
MOSES_TEST = REPO / ".." / "shared" / "data" / "moses" / "test.csv.gz"


def moses_smiles(count: int) -> list[str]:
    with gzip.open(MOSES_TEST, "rt") as handle:
        next(handle)
        return [line.split(",")[0].strip() for _, line in zip(range(count), handle)]


def featurizer_rate(checkpoint: str, smiles: list[str], cores: int, batch_size: int) -> float:
    from graphssl.graspnet.featurizer import MoleculeFeaturizer

    torch.set_num_threads(cores)
    featurizer = MoleculeFeaturizer(checkpoint, n_jobs=cores, batch_size=batch_size)
    featurizer.transform(smiles[:64])  # load the checkpoint and warm up outside the clock
    start = time.perf_counter()
    featurizer.transform(smiles)
    return len(smiles) / (time.perf_counter() - start)


def ecfp4_rate(smiles: list[str]) -> float:
    from rdkit import Chem
    from rdkit.Chem import rdFingerprintGenerator

    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    start = time.perf_counter()
    for s in smiles:
        generator.GetFingerprintAsNumPy(Chem.MolFromSmiles(s))
    return len(smiles) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True, help="an exported file (graphssl export)")
    parser.add_argument("--molecules", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()
    smiles = moses_smiles(args.molecules)
    print(f"{len(smiles)} MOSES test molecules, checkpoint {args.checkpoint}")
    print(f"RDKit ECFP4 (1 core): {ecfp4_rate(smiles):8.0f} molecules/s")
    for cores in (1, 2):
        print(f"MoleculeFeaturizer ({cores} core{'s' if cores > 1 else ''}): "
              f"{featurizer_rate(args.checkpoint, smiles, cores, args.batch_size):8.0f} molecules/s")


if __name__ == "__main__":
    main()
