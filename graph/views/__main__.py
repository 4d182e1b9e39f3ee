"""``python -m govkg.graph.views OUT``: rewrite the views of a built output folder."""

from govkg.graph.views.write import main

if __name__ == "__main__":
    raise SystemExit(main())
