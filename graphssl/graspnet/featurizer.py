"""``MoleculeFeaturizer``: SMILES or RDKit molecules -> fixed-width embeddings from a pretrained encoder.

A scikit-learn transformer (``fit`` does nothing, ``transform`` returns
``np.ndarray [n, d]``, ``get_params``/``set_params``, so it works inside a
``Pipeline`` and ``cross_val_score``) over any checkpoint written by
``graphssl export``, meant for the GraSPNet encoder (Wu et al., arXiv
2602.20344) and its fragment embeddings. Rows stay aligned with the input in
every mode: ``on_error="nan"`` gives a NaN row for an invalid molecule and
lists why in ``errors_``. The checkpoint's sha256 is recorded on first load
and checked again whenever the featurizer is reloaded (``save``/``load``,
pickling), so a changed checkpoint raises instead of giving other features.

scikit-learn itself is not needed (the estimator protocol is implemented
here); RDKit is (the ``chem`` extra).

Example::

    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    model = make_pipeline(MoleculeFeaturizer("model.pt", pooling="both"), LogisticRegression())
    model.fit(smiles, labels)
"""

from __future__ import annotations

import inspect
import json
import multiprocessing
from functools import partial
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from torch_geometric.utils import scatter

from graphssl.errors import CheckpointError, ConfigError, InputFileError, InvalidGraphError

#: The checkpoint a featurizer gets by default, once shipped (graphssl/checkpoints/).
DEFAULT_CHECKPOINT = "graspnet-moses"
POOLINGS = ("mean", "fragment", "both")
ON_ERROR = ("raise", "nan")
SAVED_FORMAT = "graphssl-molecule-featurizer"
PARAMS = ("checkpoint", "pooling", "n_jobs", "batch_size", "on_error")


def molecule_features_of(spec, path: Path) -> str:
    """``"ogb"`` or ``"hu"``: which molecule layer feature set a checkpoint's spec was trained on."""
    from graphssl.chem.features import feature_dims

    layout = (list(spec.node_categorical), list(spec.edge_categorical))
    for name in ("ogb", "hu"):
        if tuple(list(dims) for dims in feature_dims(name)) == layout:
            return name
    raise CheckpointError(f"{path}: trained on graphs with node categories {layout[0]} and edge categories {layout[1]}, "
                          "which are neither the OGB nor the Hu molecule features; it cannot featurize SMILES")


def checkpoint_featurization(model, path: Path) -> tuple[str, str | bool]:
    """``(features, fragments)``: how SMILES must be featurized for a loaded checkpoint.

    ``features`` is ``"ogb"`` or ``"hu"`` (:func:`molecule_features_of`);
    ``fragments`` the fragment kind its data config names, ``"ring_systems"``
    for a run on saved graphs that carry a hierarchy, or ``False`` without one.
    """
    features = molecule_features_of(model.spec, path)
    params = model.card["config"]["data"]
    params = (params[0] if isinstance(params, list) else params).get("params", {})
    has_fragments = model.spec is not None and "frag_x" in model.spec.attributes
    return features, params.get("fragments") or ("ring_systems" if has_fragments else False)


class MoleculeFeaturizer:
    """Embeddings of molecules from a pretrained encoder, as a scikit-learn transformer.

    Args:
        checkpoint: an exported file, run folder or shipped name (default
            ``"graspnet-moses"``, the shipped MOSES-pretrained model).
        pooling: ``"mean"`` (atom embeddings averaged, default), ``"fragment"``
            (fragment embeddings averaged; needs a graspnet checkpoint) or
            ``"both"`` (the two concatenated).
        n_jobs: featurizing processes (default ``1``; ``-1`` one per core).
        batch_size: molecules per encoder batch (default ``64``: on one CPU core a 5 x 300 encoder
            runs about 1.5x faster than with 256, its activations staying in cache; docs/graspnet.md).
        on_error: ``"raise"`` (default) at the first invalid molecule, naming
            its row, or ``"nan"``: a NaN row, the reason in ``errors_``.

    After ``transform``: ``errors_`` lists ``(row, input, reason)``;
    ``checkpoint_sha256_`` and ``n_features_out_`` describe the checkpoint.

    Shapes:
        ``transform(X)`` with ``n`` molecules -> ``float32 [n, d]`` (``[n, 2d]`` with ``"both"``).
    """

    def __init__(self, checkpoint: str | Path = DEFAULT_CHECKPOINT, pooling: str = "mean", n_jobs: int = 1,
                 batch_size: int = 64, on_error: str = "raise") -> None:
        self.checkpoint = checkpoint
        self.pooling = pooling
        self.n_jobs = n_jobs
        self.batch_size = batch_size
        self.on_error = on_error

    # scikit-learn estimator protocol ------------------------------------------------------------

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PARAMS}

    def set_params(self, **params: Any) -> "MoleculeFeaturizer":
        from graphssl.registry import close_matches

        for name, value in params.items():
            if name not in PARAMS:
                raise ConfigError(f"MoleculeFeaturizer has no parameter {name!r}{close_matches(name, PARAMS)}")
            setattr(self, name, value)
        if "checkpoint" in params:
            self.__dict__.pop("_model", None)
            self.__dict__.pop("checkpoint_sha256_", None)
        return self

    def fit(self, X: Any = None, y: Any = None) -> "MoleculeFeaturizer":
        """Nothing to learn: returns ``self``."""
        return self

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        return self.fit(X, y).transform(X)

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        """``atom_mean_0 ...`` and/or ``fragment_mean_0 ...``, one per output column."""
        dim = int(self._loaded().out_dim)
        parts = {"mean": ["atom_mean"], "fragment": ["fragment_mean"], "both": ["atom_mean", "fragment_mean"]}[self.pooling]
        return np.asarray([f"{part}_{i}" for part in parts for i in range(dim)], dtype=object)

    def __repr__(self) -> str:
        changed = {name: value for name, value in self.get_params().items() if value != _DEFAULTS[name]}
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    # loading -------------------------------------------------------------------------------------

    def _check_params(self) -> None:
        if self.pooling not in POOLINGS:
            raise ConfigError(f"MoleculeFeaturizer pooling: must be one of {', '.join(POOLINGS)}, got {self.pooling!r}")
        if self.on_error not in ON_ERROR:
            raise ConfigError(f"MoleculeFeaturizer on_error: must be one of {', '.join(ON_ERROR)}, got {self.on_error!r}")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise ConfigError(f"MoleculeFeaturizer batch_size: must be a positive integer, got {self.batch_size!r}")

    def _loaded(self):
        """The pretrained model, loaded on first use; the checkpoint's sha256 must match a recorded one."""
        self._check_params()
        model = self.__dict__.get("_model")
        if model is None:
            from graphssl.train.export import file_sha256
            from graphssl.train.pretrained import checkpoint_file, load_pretrained

            path = checkpoint_file(self.checkpoint)
            digest = file_sha256(path)
            recorded = self.__dict__.get("checkpoint_sha256_")
            if recorded is not None and recorded != digest:
                raise CheckpointError(f"{path}: checkpoint changed since this featurizer was made "
                                      f"(sha256 {recorded[:12]}... recorded, {digest[:12]}... now)")
            model = load_pretrained(path)
            self._features, self._fragments = checkpoint_featurization(model, path)
            self._model, self.checkpoint_sha256_, self.checkpoint_path_ = model, digest, path
        if self.pooling != "mean" and not self._fragments:
            raise ConfigError(f"MoleculeFeaturizer pooling={self.pooling!r}: checkpoint {self.checkpoint_path_} has "
                              "no fragment level; use pooling='mean'")
        return model

    # transform -----------------------------------------------------------------------------------

    def transform(self, X: Any) -> np.ndarray:
        """Embeddings ``float32 [n, d]`` of ``n`` SMILES strings or RDKit molecules, in input order.

        Molecules go from the chem layer's featurized chunks straight into
        encoder batches (:mod:`graphssl.graspnet.batching`); a checkpoint
        trained with transforms takes the per-graph path of :meth:`transform_graphs`.
        """
        from graphssl.chem.featurize import FeaturizerOptions, iter_chunks

        model = self._loaded()
        self.n_features_out_ = model.out_dim * (2 if self.pooling == "both" else 1)
        inputs = _as_inputs(X)
        out = np.full((len(inputs), self.n_features_out_), np.nan, dtype=np.float32)
        self.errors_ = []
        options = FeaturizerOptions.create(self._features, fragments=self._fragments)
        embed = partial(self._embedded_chunk, model)
        # Forked workers share the model, so each embeds the chunks it featurizes (one torch thread per
        # process, this one included); where processes cannot fork, this process embeds them all.
        forked = self.n_jobs != 1 and "fork" in multiprocessing.get_all_start_methods()
        spawned = self.n_jobs != 1 and not forked
        threads = torch.get_num_threads()
        if forked:
            torch.set_num_threads(1)
        try:
            chunks = iter_chunks(inputs, options, self.n_jobs, then=None if spawned else embed)
            for rows, rejects, embeddings in (map(embed, chunks) if spawned else chunks):
                if rejects and self.on_error == "raise":
                    row, _, reason = rejects[0]
                    raise InvalidGraphError(f"input row {row}: {reason}")
                self.errors_.extend((int(row), item, reason) for row, item, reason in rejects)
                if rows:
                    out[rows] = embeddings
        finally:
            torch.set_num_threads(threads)
        return out

    def _embedded_chunk(self, model, chunk) -> tuple[list[int], list, np.ndarray]:
        """``(rows, rejects, embeddings [len(rows), n_features_out_])`` of one featurized chunk."""
        if model.transforms:
            from graphssl.chem.chunk import to_data_list

            graphs = to_data_list(chunk) if chunk.rows else []
            return list(chunk.rows), chunk.rejects, self.transform_graphs(graphs)
        from graphssl.graspnet.batching import chunk_batches

        embeddings = np.empty((len(chunk.rows), self.n_features_out_), dtype=np.float32)
        start = 0
        for rows, batch in chunk_batches(chunk, self.batch_size):
            embeddings[start:start + len(rows)] = self._pool(model, batch)
            start += len(rows)
        return list(chunk.rows), chunk.rejects, embeddings

    def transform_graphs(self, graphs: Sequence) -> np.ndarray:
        """Embeddings ``float32 [n, d]`` of molecules already featurized as this checkpoint needs
        (:func:`checkpoint_featurization`), in order, ``batch_size`` at a time."""
        model = self._loaded()
        self.n_features_out_ = model.out_dim * (2 if self.pooling == "both" else 1)
        out = np.empty((len(graphs), self.n_features_out_), dtype=np.float32)
        for start in range(0, len(graphs), self.batch_size):
            out[start:start + self.batch_size] = self._embed(model, graphs[start:start + self.batch_size])
        return out

    def _embed(self, model, graphs: Sequence) -> np.ndarray:
        return self._pool(model, model.prepare(list(graphs)))

    def _pool(self, model, batch) -> np.ndarray:
        """The pooled embeddings ``[B, n_features_out_]`` of a prepared batch."""
        device = next(model.encoder.parameters()).device
        with torch.inference_mode():
            batch = batch.to(device)
            encoded = model.encoder(batch)
            parts = []
            if self.pooling in ("mean", "both"):
                parts.append(scatter(encoded.node, batch.batch, dim=0, dim_size=batch.num_graphs, reduce="mean"))
            if self.pooling in ("fragment", "both"):
                parts.append(scatter(encoded.fragment, batch.frag_batch, dim=0, dim_size=batch.num_graphs, reduce="mean"))
        return torch.cat(parts, dim=1).float().cpu().numpy()

    # persistence ---------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the parameters and the checkpoint's path and sha256 as JSON (never the weights)."""
        self._loaded()
        state = {"format": SAVED_FORMAT, "format_version": 1,
                 "params": {**self.get_params(), "checkpoint": str(self.checkpoint)},
                 "checkpoint_path": str(Path(self.checkpoint_path_).resolve()), "checkpoint_sha256": self.checkpoint_sha256_}
        path = Path(path)
        path.write_text(json.dumps(state, indent=1) + "\n")
        return path

    @classmethod
    def load(cls, path: str | Path) -> "MoleculeFeaturizer":
        """A featurizer saved by :meth:`save`; raises ``CheckpointError`` if its checkpoint's bytes changed."""
        path = Path(path)
        try:
            state = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise InputFileError(f"{path}: not a saved MoleculeFeaturizer ({exc})") from None
        if not isinstance(state, dict) or state.get("format") != SAVED_FORMAT:
            raise InputFileError(f"{path}: not a saved MoleculeFeaturizer (format {SAVED_FORMAT!r} expected)")
        featurizer = cls(**{**state["params"], "checkpoint": state["checkpoint_path"]})
        featurizer.checkpoint_sha256_ = state["checkpoint_sha256"]
        featurizer._loaded()
        return featurizer

    def __getstate__(self) -> dict[str, Any]:
        # Pickles (joblib workers, saved pipelines) carry the parameters and the sha256, never the model.
        return {key: value for key, value in self.__dict__.items() if key == "checkpoint_sha256_" or key in PARAMS}


_DEFAULTS = {name: parameter.default for name, parameter in inspect.signature(MoleculeFeaturizer.__init__).parameters.items()
             if name in PARAMS}


def _as_inputs(X: Any) -> list:
    """A list of SMILES/molecules from a list, tuple, pandas Series, or a 1-column array or frame."""
    if isinstance(X, str):
        raise TypeError("MoleculeFeaturizer.transform: X is a single string; pass a list of SMILES")
    if hasattr(X, "columns") and hasattr(X, "iloc"):
        if len(X.columns) != 1:
            raise InputFileError(f"MoleculeFeaturizer.transform: X has columns {', '.join(map(str, X.columns))}; "
                                 "pass one column of SMILES")
        X = X.iloc[:, 0]
    if isinstance(X, np.ndarray):
        if X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]
        if X.ndim != 1:
            raise InvalidGraphError(f"MoleculeFeaturizer.transform: X has shape {X.shape}; pass one SMILES per row")
    return list(X)
