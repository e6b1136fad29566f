"""FieldReg core: records, validation, gazetteer, encrypted store, audit log.

Nothing in this package imports Qt or touches the network (tests/test_layers.py).
"""

__version__ = "0.1.0"
