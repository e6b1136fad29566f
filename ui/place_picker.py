"""Address pickers: province -> district -> commune -> village, with type-ahead in Khmer or
Latin from the gazetteer. A lower level can be typed first (a village name, say); choosing it
fills the levels above from its lineage."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from fieldreg.gazetteer import LEVELS, Gazetteer, Place, display_name

CODE_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_SUGGESTIONS = 30


def place_text(place: Place) -> str:
    """Khmer with its unit word, then the Latin name: searchable and readable in both."""
    khmer = display_name(place, "km")
    return f"{khmer} · {place.name_en}" if place.name_en else khmer


class PlacePicker(QLineEdit):
    """One level of the cascade. `code` is the chosen place ("" while none is chosen)."""

    place_chosen = Signal(str)

    def __init__(self, level: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if level not in LEVELS:
            raise ValueError(level)
        self.level = level
        self.code = ""
        self.parent_code = ""
        self._gazetteer: Gazetteer | None = None
        self._model = QStandardItemModel(self)
        self._codes_by_text: dict[str, str] = {}
        self._completer = QCompleter(self._model, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setMaxVisibleItems(12)
        self._completer.setWidget(self)
        self._completer.activated.connect(self._on_activated)
        self.textEdited.connect(self._on_text_edited)
        self.setClearButtonEnabled(True)

    def set_gazetteer(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer

    # -- choosing --------------------------------------------------------------------------

    def set_code(self, code: str, *, notify: bool = True) -> None:
        place = self._gazetteer.get(code) if (self._gazetteer and code) else None
        self.code = place.code if place else ""
        self.setText(place_text(place) if place else "")
        self.setCursorPosition(0)
        if notify:
            self.place_chosen.emit(self.code)

    def suggestions(self, text: str) -> list[Place]:
        if self._gazetteer is None:
            return []
        within = self.parent_code or None
        if not text.strip():
            return self._gazetteer.children(self.parent_code)[:200] if within else []
        return self._gazetteer.search(text, level=self.level, within=within, limit=MAX_SUGGESTIONS)

    def _popup_visible(self) -> bool:
        popup = self._completer.popup()
        return popup is not None and popup.isVisible()

    def _hide_popup(self) -> None:
        popup = self._completer.popup()
        if popup is not None:
            popup.hide()

    def accept_best_match(self) -> bool:
        """Enter: keep the chosen place, or choose the best match for what was typed.
        False when the text matches nothing (the field keeps focus)."""
        self._hide_popup()
        text = self.text().strip()
        if not text:
            if self.code:
                self.set_code("")
            return True
        if self.code and text == self._chosen_text():
            return True
        matches = self.suggestions(text)
        if not matches:
            return False
        self.set_code(matches[0].code)
        return True

    def _chosen_text(self) -> str:
        place = self._gazetteer.get(self.code) if self._gazetteer else None
        return place_text(place) if place else ""

    def _on_text_edited(self, text: str) -> None:
        if self.code:
            self.code = ""
            self.place_chosen.emit("")
        self._show_suggestions(text)

    def _show_suggestions(self, text: str) -> None:
        self._model.clear()
        self._codes_by_text.clear()
        for place in self.suggestions(text):
            shown = place_text(place)
            self._codes_by_text.setdefault(shown, place.code)
            item = QStandardItem(shown)
            item.setData(place.code, CODE_ROLE)
            self._model.appendRow(item)
        if self._model.rowCount():
            self._completer.complete()
        else:
            self._hide_popup()

    def _on_activated(self, text: str) -> None:
        code = self._codes_by_text.get(text)
        if code:
            self.set_code(code)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and not self._popup_visible():
            self._show_suggestions("" if self.code else self.text())
            return
        super().keyPressEvent(event)


class AddressCascade(QObject):
    """Keeps four pickers consistent: each searches inside the level above, and a choice
    at any level fills the levels above and clears the ones below that no longer fit."""

    village_changed = Signal(str)

    def __init__(self, pickers: dict[str, PlacePicker], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pickers = pickers
        self._gazetteer: Gazetteer | None = None
        for level, picker in pickers.items():
            picker.place_chosen.connect(lambda code, level=level: self._on_chosen(level, code))

    def set_gazetteer(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer
        for picker in self.pickers.values():
            picker.set_gazetteer(gazetteer)

    @property
    def village_code(self) -> str:
        return self.pickers["village"].code

    def set_village(self, code: str) -> None:
        """Show a stored village code (a draft, a record to correct)."""
        if not code or self._gazetteer is None or self._gazetteer.get(code) is None:
            self.clear()
            if code:  # keep the unknown value visible so validation can name it
                self.pickers["village"].setText(code)
            return
        self._fill_from(code)
        self.village_changed.emit(self.village_code)

    def clear(self) -> None:
        for picker in self.pickers.values():
            picker.parent_code = ""
            picker.set_code("", notify=False)
        self.village_changed.emit("")

    def _on_chosen(self, level: str, code: str) -> None:
        depth = LEVELS.index(level)
        if code:
            self._fill_from(code)
        else:
            below = LEVELS[depth + 1] if depth + 1 < len(LEVELS) else None
            if below:
                self.pickers[below].parent_code = self._parent_for(below)
        self.village_changed.emit(self.village_code)

    def _parent_for(self, level: str) -> str:
        depth = LEVELS.index(level)
        for upper in reversed(LEVELS[:depth]):
            if self.pickers[upper].code:
                return self.pickers[upper].code
        return ""

    def _fill_from(self, code: str) -> None:
        """Set every level above `code` from its lineage; clear lower levels outside it."""
        assert self._gazetteer is not None
        lineage = {place.level: place.code for place in self._gazetteer.lineage(code)}
        for level in LEVELS:
            picker = self.pickers[level]
            if level in lineage:
                if picker.code != lineage[level]:
                    picker.set_code(lineage[level], notify=False)
            elif picker.code and not picker.code.startswith(code):
                picker.set_code("", notify=False)
            elif not picker.code:
                picker.setText("")
        for level in LEVELS[1:]:
            self.pickers[level].parent_code = self._parent_for(level)
