"""Writing a file whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from gmm_viz.errors import OutputError


def write_atomically(path, write):
    """Call ``write(tmp_path)`` on a temporary file beside ``path``, then move it into place.

    A failure (a bad option found late, a full disk, an interrupt) leaves nothing behind:
    neither a half-written ``path`` nor the temporary file.

    Raises
    ------
    OutputError
        With one sentence, when the folder cannot be written to.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(
            f"Cannot write {str(path)!r}: the folder {str(folder)!r} does not exist; "
            "create it or choose another path."
        )
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=folder)
    except OSError as exc:
        raise OutputError(
            f"Cannot write {str(path)!r}: {exc.strerror or exc}; choose a folder you can write to."
        ) from None
    os.close(fd)
    try:
        write(tmp)
        # mkstemp makes the file private (0600); give it the permissions of a new file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(
            f"Cannot write {str(path)!r}: {exc.strerror or exc}; choose a folder you can write to."
        ) from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path
