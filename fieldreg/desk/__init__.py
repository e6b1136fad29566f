"""The application layer: the Desk and the results of its use cases."""

from fieldreg.desk.desk import Desk

__all__ = ["Desk"]
