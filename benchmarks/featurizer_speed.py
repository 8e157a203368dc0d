"""SMILES -> embedding throughput of MoleculeFeaturizer (GraSPNet, Wu et al., arXiv 2602.20344) against RDKit ECFP4.

End to end, in molecules/s: parsing and featurizing (``n_jobs`` processes),
batching and the encoder (``torch`` threads), on 1 core and on 2, with RDKit's
Morgan radius-2 2,048-bit fingerprint in the same process as the reference
(each rate is also printed as a fraction of it, which cancels much of the
machine's load). ``--stages`` splits the 1-core time into RDKit parsing, the
chem layer's featurization (parse included), building the encoder batches and
the encoder's forward. Not a timed test; record the figures in BENCHMARKS.md
with the machine's load.

Example::

    python benchmarks/featurizer_speed.py --checkpoint runs/graspnet/graspnet_moses.pt --molecules 20000 --stages
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


def stage_seconds(checkpoint: str, smiles: list[str], batch_size: int) -> dict[str, float]:
    """Seconds of each stage of ``MoleculeFeaturizer.transform`` on one core."""
    from graphssl.chem._rdkit import parse_smiles
    from graphssl.chem.featurize import FeaturizerOptions, iter_chunks
    from graphssl.graspnet.batching import chunk_batches
    from graphssl.graspnet.featurizer import MoleculeFeaturizer

    torch.set_num_threads(1)
    featurizer = MoleculeFeaturizer(checkpoint, batch_size=batch_size)
    featurizer.transform(smiles[:64])
    model = featurizer._loaded()
    seconds = {}
    start = time.perf_counter()
    for text in smiles:
        parse_smiles(text)
    seconds["RDKit parse"] = time.perf_counter() - start
    start = time.perf_counter()
    chunks = list(iter_chunks(smiles, FeaturizerOptions.create(featurizer._features, fragments=featurizer._fragments)))
    seconds["featurize (parse, atoms, bonds, fragments)"] = time.perf_counter() - start
    start = time.perf_counter()
    batches = [batch for chunk in chunks for _, batch in chunk_batches(chunk, batch_size)]
    seconds["build batches"] = time.perf_counter() - start
    start = time.perf_counter()
    with torch.inference_mode():
        for batch in batches:
            model.encoder(batch)
    seconds["encoder forward"] = time.perf_counter() - start
    return seconds


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
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--cores", default="1,2", help="comma-separated core counts to time (default: 1,2)")
    parser.add_argument("--stages", action="store_true", help="also split the 1-core time by stage")
    args = parser.parse_args()
    smiles = moses_smiles(args.molecules)
    print(f"{len(smiles)} MOSES test molecules, checkpoint {args.checkpoint}, batch size {args.batch_size}")
    reference = ecfp4_rate(smiles)
    print(f"RDKit ECFP4 (1 core): {reference:8.0f} molecules/s")
    for cores in (int(c) for c in args.cores.split(",")):
        rate = featurizer_rate(args.checkpoint, smiles, cores, args.batch_size)
        print(f"MoleculeFeaturizer ({cores} core{'s' if cores > 1 else ''}): {rate:8.0f} molecules/s "
              f"({rate / reference:.3f} of ECFP4)")
    if args.stages:
        seconds = stage_seconds(args.checkpoint, smiles, args.batch_size)
        total = sum(v for k, v in seconds.items() if k != "RDKit parse")
        for name, value in seconds.items():
            print(f"  {name:45s} {value:7.2f} s  {len(smiles) / value:8.0f} molecules/s  {100 * value / total:5.1f}%")


if __name__ == "__main__":
    main()
