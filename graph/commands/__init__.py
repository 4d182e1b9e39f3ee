"""The commands of the ``govkg`` command line beyond build, validate, sparql and eval
(:mod:`govkg.graph.cli`): one module per group, each with a ``register(app)`` function.

This is the top layer: it may import any library module; no library module imports it.
"""
