"""Shared pytest setup."""

import os

# GUI tests need no display: Qt renders offscreen unless the caller chose a platform.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
