"""``graphssl featurize``: molecule embeddings of a large file, in chunks, resumable, shardable.

Runs :class:`graphssl.graspnet.featurizer.MoleculeFeaturizer` (GraSPNet, Wu et
al., arXiv 2602.20344, or any exported checkpoint) over a CSV, SMI or SDF file.
Each chunk's rows are written to ``OUT.parts/`` atomically (temporary file,
rename), so after ``kill -9`` a rerun with the same arguments skips the
chunks already there: no row is lost or written twice. ``--shard I/N`` takes
the I-th of N contiguous row blocks, so the outputs of shards 0..N-1 concatenate
in input order. Invalid molecules keep their row (NaN) and are listed with
their reason in ``OUT.rejects.csv``.

Example::

    graphssl featurize mols.csv --smiles-col smiles --id-col id --out emb.npy --checkpoint model.pt --shard 0/4
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
from pathlib import Path

from graphssl.cli._args import positive_int
from graphssl.errors import ConfigError, InputFileError

OUTPUT_SUFFIXES = (".npy", ".parquet")
PARTS_SUFFIX = ".parts"
MANIFEST = "manifest.json"


def shard(text: str) -> tuple[int, int]:
    """``I/N`` with ``0 <= I < N``, for ``--shard``."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be I/N (e.g. 0/4), got {text!r}") from None
    if count < 1 or not 0 <= index < count:
        raise argparse.ArgumentTypeError(f"must be I/N with 0 <= I < N, got {text!r}")
    return index, count


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("featurize", help="molecule embeddings of a CSV/SMI/SDF file (resumable)",
                                   description=__doc__.splitlines()[0])
    parser.add_argument("input", help="CSV, SMI or SDF file (optionally .gz)")
    parser.add_argument("--out", required=True, help="OUT.npy (features; rows and ids in OUT.index.csv) or OUT.parquet")
    parser.add_argument("--smiles-col", default="smiles", help="SMILES column of a CSV (default: smiles)")
    parser.add_argument("--id-col", default=None, help="column kept as each row's id (default: none)")
    parser.add_argument("--checkpoint", default="graspnet-moses", help="exported file, run folder or shipped name")
    parser.add_argument("--pooling", choices=("mean", "fragment", "both"), default="mean")
    parser.add_argument("--chunk-size", type=positive_int, default=4096, help="rows per resumable chunk (default: 4096)")
    parser.add_argument("--batch-size", type=positive_int, default=64, help="molecules per encoder batch (default: 64)")
    parser.add_argument("--n-jobs", type=positive_int, default=1, help="featurizing processes (default: 1)")
    parser.add_argument("--shard", type=shard, default=(0, 1), metavar="I/N", help="take row block I of N (default: 0/1)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.set_defaults(func=run)
    return parser


def _manifest(args, path: Path, rows: range, sha256: str) -> dict:
    stat = path.stat()
    return {"input": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "rows": [rows.start, rows.stop],
            "smiles_col": args.smiles_col, "id_col": args.id_col, "checkpoint_sha256": sha256, "pooling": args.pooling,
            "chunk_size": args.chunk_size}


def _atomic_save(path: Path, write) -> None:
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    write(temporary)
    os.replace(temporary, path)


def _save_npy(path: Path, array) -> None:
    import numpy as np

    with open(path, "wb") as handle:  # a handle: np.save would append .npy to the temporary name
        np.save(handle, array)


def _save_npz(path: Path, **arrays) -> None:
    import numpy as np

    with open(path, "wb") as handle:
        np.savez(handle, **arrays)
        handle.flush()
        os.fsync(handle.fileno())


def run(args) -> int:
    import numpy as np
    from tqdm import tqdm

    from graphssl.chem.io import read_table
    from graphssl.graspnet.featurizer import MoleculeFeaturizer

    out, source = Path(args.out), Path(args.input)
    if out.suffix not in OUTPUT_SUFFIXES:
        raise ConfigError(f"--out: {out} must end in .npy or .parquet")
    if out.suffix == ".parquet":
        from graphssl._optional import require

        require("pyarrow", "parquet")
    if not source.is_file():
        raise InputFileError(f"{source}: no such file")
    table = read_table(source, args.smiles_col, id_column=args.id_col)
    index, count = args.shard
    rows = range(len(table) * index // count, len(table) * (index + 1) // count)
    featurizer = MoleculeFeaturizer(args.checkpoint, pooling=args.pooling, n_jobs=args.n_jobs, batch_size=args.batch_size,
                                    on_error="nan")
    featurizer.get_feature_names_out()  # loads the checkpoint (and records its sha256) before any work
    parts = out.with_name(out.name + PARTS_SUFFIX)
    manifest = _manifest(args, source, rows, featurizer.checkpoint_sha256_)
    parts.mkdir(parents=True, exist_ok=True)
    if (parts / MANIFEST).exists():
        previous = json.loads((parts / MANIFEST).read_text())
        changed = [key for key in manifest if previous.get(key) != manifest[key]]
        if changed:
            raise ConfigError(f"{parts}: left by a run with other {', '.join(changed)}; rerun with the same "
                              "arguments to resume, or delete it to start over")
    else:
        _atomic_save(parts / MANIFEST, lambda p: p.write_text(json.dumps(manifest, indent=1)))
    starts = list(range(rows.start, rows.stop, args.chunk_size))
    for start in tqdm(starts, desc=f"featurize {source.name}", unit="chunk", disable=args.no_progress, file=sys.stderr):
        part = parts / f"{start:012d}.npz"
        if part.exists():
            continue
        stop = min(start + args.chunk_size, rows.stop)
        features = featurizer.transform(table.inputs[start:stop])
        rejects = np.asarray([[table.items[start + row], reason] for row, _, reason in featurizer.errors_], dtype=str)
        _atomic_save(part, lambda path: _save_npz(path, features=features, rejects=rejects.reshape(-1, 2)))
    return _assemble(out, parts, starts, table, rows, featurizer.get_feature_names_out())


def _assemble(out: Path, parts: Path, starts: list[int], table, rows: range, names) -> int:
    import numpy as np

    from graphssl.data.rejects import Reject, write_rejects

    loaded = [np.load(parts / f"{start:012d}.npz") for start in starts]
    features = np.concatenate([part["features"] for part in loaded]) if loaded else np.zeros((0, len(names)), np.float32)
    rejects = [Reject(table.source, item, reason) for part in loaded for item, reason in part["rejects"].tolist()]
    ids = table.ids[rows.start:rows.stop] if table.ids is not None else [""] * len(rows)
    if out.suffix == ".npy":
        _atomic_save(out, lambda path: _save_npy(path, features))
        index = out.with_name(out.stem + ".index.csv")

        def write_index(path: Path) -> None:
            with open(path, "w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["row", "id"])
                writer.writerows(zip(rows, ids))

        _atomic_save(index, write_index)
    else:
        import pandas as pd

        frame = pd.DataFrame(features, columns=list(names))
        frame.insert(0, "id", ids)
        frame.insert(0, "row", list(rows))
        _atomic_save(out, lambda p: frame.to_parquet(p, index=False))
    rejects_path = out.with_name(out.stem + ".rejects.csv")
    if rejects:
        write_rejects(rejects, rejects_path)
        print(f"graphssl: featurize {table.source}: {len(rejects)} of {len(rows)} items rejected (NaN rows); "
              f"reasons in {rejects_path}", file=sys.stderr)
    elif rejects_path.exists():
        rejects_path.unlink()
    shutil.rmtree(parts)
    print(f"{len(rows)} rows -> {out} [{features.shape[1]} features]")
    return 0
