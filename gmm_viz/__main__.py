"""``python -m gmm_viz``: the same as the ``gmm-viz`` command."""

from gmm_viz.cli import main

raise SystemExit(main())
