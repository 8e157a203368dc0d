"""Message-passing layers of the core, registered by name in :data:`~graphssl.nn.CONVS`.

``gine``, ``gin``, ``gcn`` and ``gps`` (a GPS block around any registered
local conv); a plugin adds its own with :func:`~graphssl.nn.register_conv`
(see :mod:`graphssl.nn.conv.build` for what a conv is offered and how it is called).
"""

from graphssl.nn.conv.build import build_conv, build_registered_conv
from graphssl.nn.conv.gcn import GCNConv
from graphssl.nn.conv.gine import GINEConv, gin_conv
from graphssl.nn.conv.gps import GPSLayer, gps_layer

__all__ = ["GCNConv", "GINEConv", "GPSLayer", "build_conv", "build_registered_conv", "gin_conv", "gps_layer"]
