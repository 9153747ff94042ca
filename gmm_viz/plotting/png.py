"""PNG bytes of a drawn picture, made fast: the explorer sends one at every half-step.

Pillow spends 16-20 ms on a 900 x 850 picture even at its lightest compression: it writes
four channels and tries every PNG row filter on every row. A step picture is opaque and
mostly flat colour, which zlib alone compresses well, so it is written here as RGB rows
with no filter (PNG filter type 0) through zlib at level 1: 8-11 ms and a smaller file. Any
PNG reader reads it; the pixels are exactly the canvas's.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

__all__ = ["encode_png"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind, data):
    crc = zlib.crc32(data, zlib.crc32(kind)) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(rgba, compress_level=1):
    """An (height, width, 4) uint8 picture as PNG bytes: RGB when it is opaque (the alpha
    channel would only add a quarter to the data), else RGBA.

    Parameters
    ----------
    rgba : ndarray (H, W, 4) of uint8
    compress_level : int
        zlib's level, 0 (none) to 9 (smallest, slowest); 1 is fast and already small for
        pictures of flat colour.

    Returns
    -------
    bytes
    """
    pixels = np.asarray(rgba, dtype=np.uint8)
    if pixels.ndim != 3 or pixels.shape[2] != 4:
        raise ValueError(f"Expected an (H, W, 4) RGBA array; got shape {pixels.shape}.")
    opaque = bool((pixels[:, :, 3] == 255).all())
    if opaque:
        pixels = pixels[:, :, :3]
    height, width, channels = pixels.shape
    rows = np.empty((height, width * channels + 1), dtype=np.uint8)
    rows[:, 0] = 0  # filter type 0 (none) on every row
    rows[:, 1:] = pixels.reshape(height, width * channels)
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)
    return b"".join(
        [
            _SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(memoryview(rows), compress_level)),
            _chunk(b"IEND", b""),
        ]
    )
