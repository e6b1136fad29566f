"""FieldReg core: records, validation, gazetteer, encrypted store, audit log.

Nothing in this package imports Qt or touches the network (tests/test_layers.py).

Log records go where the front end sends them (the CLI: a file beside the store) or nowhere:
without a handler of its own, Python's last-resort handler would print our warnings on stderr.
"""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"
