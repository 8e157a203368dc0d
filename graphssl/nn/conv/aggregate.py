r"""The GIN/GINE neighbourhood sum as sparse matrix products on CPU.

.. math::
    \mathbf{out} = \mathbf{r} + A_{\mathrm{dst}}\,\mathrm{ReLU}(X[\mathrm{src}] + E),
    \qquad \frac{\partial}{\partial X} = A_{\mathrm{src}}\,\big(G[\mathrm{dst}] \odot \mathbb{1}[M > 0]\big)

where :math:`A_{\mathrm{dst}}` (:math:`A_{\mathrm{src}}`) is the ``[N, E]``
incidence matrix of each edge's target (source) node, in CSR. PyTorch's CPU
``index_add_`` (the scatter in the forward pass and the backward of the
gather) adds one row at a time on one thread; a CSR product runs on all
threads. With one thread ``index_add`` is the faster (building the two CSR
matrices costs more than it saves), so the products are used only when torch
runs on more than one thread. The result is the same sum, up to float
rounding order. Other devices, dtypes and autocast keep ``index_add``.
"""

from __future__ import annotations

import warnings

import torch
from torch import Tensor
from torch.autograd import Function

SPARSE_DTYPES = (torch.float32, torch.float64)


def incidence(index: Tensor, num_nodes: int, dtype: torch.dtype) -> Tensor:
    """CSR ``[num_nodes, E]`` with a one at ``(index[e], e)``."""
    order = torch.argsort(index, stable=True)
    counts = torch.bincount(index, minlength=num_nodes)
    crow = torch.cat([counts.new_zeros(1), counts.cumsum(0)])
    values = torch.ones(index.numel(), dtype=dtype, device=index.device)
    with warnings.catch_warnings():
        # torch flags CSR as beta once per process; the products used here are long stable.
        warnings.simplefilter("ignore", UserWarning)
        return torch.sparse_csr_tensor(crow, order, values, (num_nodes, index.numel()), check_invariants=False)


class _GatherAddReluSum(Function):
    @staticmethod
    def forward(ctx, x: Tensor, root: Tensor, edge_emb: Tensor, src: Tensor, dst: Tensor) -> Tensor:
        messages = x.index_select(0, src).add_(edge_emb).relu_()
        to_dst = incidence(dst, x.shape[0], x.dtype)
        ctx.save_for_backward(messages, src, dst)
        ctx.num_nodes = x.shape[0]
        return torch.addmm(root, to_dst, messages)

    @staticmethod
    def backward(ctx, grad: Tensor):
        messages, src, dst = ctx.saved_tensors
        grad_messages = torch.ops.aten.threshold_backward(grad.index_select(0, dst), messages, 0)
        grad_x = incidence(src, ctx.num_nodes, grad.dtype) @ grad_messages if ctx.needs_input_grad[0] else None
        return grad_x, grad, grad_messages, None, None


def gather_add_relu_sum(x: Tensor, root: Tensor, edge_emb: Tensor, edge_index: Tensor) -> Tensor:
    """``root + sum over edges j -> i of relu(x_j + edge_emb_ji)``, ``[N, dim]``.

    Shapes:
        x, root ``[N, dim]``; edge_emb ``[E, dim]``; edge_index ``[2, E]`` -> ``[N, dim]``.
    """
    src, dst = edge_index[0], edge_index[1]
    dtypes = {x.dtype, root.dtype, edge_emb.dtype}
    sparse_ok = (x.device.type == "cpu" and len(dtypes) == 1 and x.dtype in SPARSE_DTYPES
                 and torch.get_num_threads() > 1)
    # Under autocast the product would be cast to a dtype CPU CSR kernels lack.
    if sparse_ok and not torch.is_autocast_enabled("cpu") and src.numel() and x.shape[0]:
        return _GatherAddReluSum.apply(x, root, edge_emb, src, dst)
    # x_j is a fresh gather of x, so adding in place saves one E x H pass.
    return root.index_add(0, dst, x.index_select(0, src).add_(edge_emb).relu_())
