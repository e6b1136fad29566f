"""Languages: loading translators, switching at runtime, Khmer digits and dates.

Source strings are English. Switching installs the new translators; Qt then sends every
widget a LanguageChange event and each screen re-reads its texts, keeping what was typed.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator, Signal

from fieldreg.digits import ascii_digits as ascii_digits  # re-exported for the screens
from fieldreg.digits import khmer_digits
from fieldreg.resources import resource_path

LANGUAGES = ("km", "en")
LANGUAGE_NAMES = {"km": "ខ្មែរ", "en": "English"}
KHMER_MONTHS = (
    "មករា",
    "កុម្ភៈ",
    "មីនា",
    "មេសា",
    "ឧសភា",
    "មិថុនា",
    "កក្កដា",
    "សីហា",
    "កញ្ញា",
    "តុលា",
    "វិច្ឆិកា",
    "ធ្នូ",
)
ENGLISH_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


class Formatter:
    """Numbers, dates and times for the current language (Khmer digits if chosen)."""

    def __init__(self, language: str = "km", *, use_khmer_digits: bool = True) -> None:
        self.language = language
        self.use_khmer_digits = use_khmer_digits

    def digits(self, text: str) -> str:
        if self.language == "km" and self.use_khmer_digits:
            return khmer_digits(text)
        return text

    def number(self, value: int) -> str:
        return self.digits(str(value))

    def date(self, day: dt.date) -> str:
        months = KHMER_MONTHS if self.language == "km" else ENGLISH_MONTHS
        return self.digits(f"{day.day} {months[day.month - 1]} {day.year}")

    def time(self, moment: dt.datetime) -> str:
        return self.digits(moment.astimezone().strftime("%H:%M"))

    def date_time(self, moment: dt.datetime) -> str:
        local = moment.astimezone()
        return f"{self.date(local.date())} {self.time(local)}"


class LanguageManager(QObject):
    """Owns the installed translators (ours and Qt's own)."""

    language_changed = Signal(str)

    def __init__(
        self, app: QCoreApplication, formatter: Formatter, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._translators: list[QTranslator] = []
        self.formatter = formatter
        self.language = "en"

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        # The formatter changes first: installing translators makes every widget re-read
        # its texts, dates included.
        self.formatter.language = language
        self.language = language
        for translator in self._translators:
            self._app.removeTranslator(translator)
        self._translators = [t for t in self._load(language) if self._app.installTranslator(t)]
        QLocale.setDefault(QLocale(QLocale.Language.Khmer if language == "km" else "en_GB"))
        self.language_changed.emit(language)

    def uninstall(self) -> None:
        """The window is closing: its translators leave with it."""
        for translator in self._translators:
            self._app.removeTranslator(translator)
        self._translators = []

    def _load(self, language: str) -> list[QTranslator]:
        """Ours (plural forms only for English) and Qt's own, when Qt ships one."""
        found = []
        ours = QTranslator(self)
        if ours.load(str(resource_path("translations", f"fieldreg_{language}.qm"))):
            found.append(ours)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt_own = QTranslator(self)
        if qt_own.load(f"qtbase_{language}", qt_dir):
            found.append(qt_own)
        return found
