"""Floe's Python client: Penguin's ``PenguinAPI``, over gRPC, generated from ``proto/``."""

from .errors import FloeError
from .penguin_api import PenguinAPI

__all__ = ["FloeError", "PenguinAPI"]
