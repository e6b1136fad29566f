"""Registering people through the form: cascade, validation, duplicates, drafts, language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldreg.gazetteer import load_gazetteer
from fieldreg.record import validate
from tests.factories import PASSPHRASE, raw_record
from tests.gui.conftest import (
    choose_event,
    fill_person,
    log_in,
    pick_place,
    reactivate,
    start_working,
    type_khmer,
    type_text,
    wait_idle,
)


def save_form(qtbot, window) -> None:
    qtbot.keyClick(window.register.save_button, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)


def test_register_a_person_with_the_keyboard_and_find_them_in_the_list(
    qtbot, make_window, store
) -> None:
    window = make_window()
    start_working(qtbot, window)
    fields = window.register.fields
    fill_person(qtbot, window)
    assert fields.cascade.village_code == "01020201"
    assert fields.pickers["province"].text().startswith("ខេត្តបន្ទាយមានជ័យ")
    assert "Age 36" in fields.age_hint.text()

    save_form(qtbot, window)
    assert "SOK DARA" in window.register.saved_label.text()
    assert fields.lines["name_en"].text() == ""  # a fresh form for the next person
    assert fields.age_hint.text() == ""  # nothing of the last person stays beside it
    assert "Takeo outreach" in window.register.event_label.text()  # the event is kept
    assert "1 registration kept on this laptop" in window.status.sync.text.text()

    stored = list(store.unlock("Sokha", PASSPHRASE).registrations())
    assert len(stored) == 1
    record = stored[0]
    assert (record.record.name_km, record.record.phone) == ("សុខ ដារា", "+85512345678")
    assert record.record.services == ("finance",)
    assert record.event.startswith("Takeo outreach · 2026-11-22 · 010202")

    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    screen = window.registrations
    assert screen.model.rowCount() == 1
    for query in ("សុខ", "sok dara", "123456789", "012 345 678", "+855 12 345 678"):
        screen.search.clear()
        if query.isascii():
            qtbot.keyClicks(screen.search, query)
        else:
            type_khmer(screen.search, query)
        assert screen.model.rowCount() == 1, query
    screen.search.clear()
    qtbot.keyClicks(screen.search, "nobody")
    assert screen.model.rowCount() == 0

    screen.search.clear()
    screen.table.setFocus()
    screen.table.selectRow(0)
    qtbot.mouseClick(screen.open_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    detail = window.detail_dialog
    assert detail is not None and detail.isVisible()
    assert detail.summary.value_text("name_km") == "សុខ ដារា"
    assert detail.summary.value_text("phone") == "012 345 678"
    address = detail.summary.value_text("address")  # smallest unit first, Latin in English
    assert address == "Khtum Reay Lech, Bat Trang, Mongkol Borey, Banteay Meanchey"


def test_validation_messages_follow_the_language_and_switching_keeps_the_form(
    qtbot, make_window, store
) -> None:
    window = make_window()
    start_working(qtbot, window)
    fields = window.register.fields
    type_text(qtbot, fields.lines["name_km"], "Sok")
    qtbot.keyClick(fields.lines["name_km"], Qt.Key.Key_Return)
    assert fields.lines["name_en"].hasFocus()  # Enter moves on
    type_text(qtbot, fields.lines["phone"], "123")
    qtbot.keyClick(fields.lines["phone"], Qt.Key.Key_Tab)
    type_khmer(fields.pickers["village"], "អូរធំ")  # type-ahead in Khmer, village first
    qtbot.keyClick(fields.pickers["village"], Qt.Key.Key_Return)
    reactivate(qtbot, window)
    assert fields.cascade.village_code == "01020101"
    assert fields.pickers["commune"].code == "010201"  # the levels above are filled in
    assert fields.fields["name_km"].error.text() == "Write this name in Khmer script"
    assert fields.fields["phone"].error.text() == "Not a Cambodian phone number"
    assert fields.fields["name_en"].error.text() == ""  # not visited yet: no error

    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(window.settings_screen.language_buttons["km"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.register.save_button.text() != "Save registration")
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)

    assert fields.fields["phone"].error.text() == "មិនមែនជាលេខទូរស័ព្ទកម្ពុជាទេ"
    assert fields.fields["name_km"].error.text() == "សូមសរសេរឈ្មោះនេះជាអក្សរខ្មែរ"
    assert fields.fields["phone"].caption.text() == "លេខទូរស័ព្ទ"
    assert window.register.save_button.text() == "រក្សាទុកការចុះឈ្មោះ"
    assert fields.lines["phone"].text() == "123"  # what was typed stays
    assert fields.cascade.village_code == "01020101"
    assert fields.combos["id_type"].currentText() == "អត្តសញ្ញាណប័ណ្ណសញ្ជាតិខ្មែរ"

    save_form(qtbot, window)
    assert fields.fields["name_en"].error.text() == "ត្រូវតែបំពេញ"
    assert fields.fields["date_of_birth"].error.text() == "ត្រូវតែបំពេញ"
    assert window.register.notice.text() == "សូមកែប្រអប់ដែលមានសញ្ញាក្រហម។"


def test_a_possible_duplicate_is_shown_before_saving(qtbot, make_window, store) -> None:
    session = store.unlock("Sokha", PASSPHRASE)
    existing = validate(
        raw_record(name_km="ចាន់ ធីតា", name_en="Chan Thida", phone="012 345 678"),
        today=session.today(),
        villages=load_gazetteer(),
    ).record
    assert existing is not None
    existing_id = session.register(existing, event="earlier")

    window = make_window()
    start_working(qtbot, window)
    fill_person(qtbot, window, phone="012345678")
    save_form(qtbot, window)
    dialog = window.register.duplicate_dialog
    assert dialog is not None and dialog.isVisible()
    assert "the same phone" in dialog.explanation.text()
    assert dialog.summary.value_text("name_en") == "CHAN THIDA"
    assert not dialog.anyway_button.isEnabled()  # a reason first

    qtbot.keyClicks(dialog.reason, "shared family phone")
    qtbot.mouseClick(dialog.anyway_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert "SOK DARA" in window.register.saved_label.text()
    names = sorted(r.record.name_en for r in session.registrations())
    assert names == ["CHAN THIDA", "SOK DARA"]

    fill_person(qtbot, window, id_number="987654321", phone="012 345 678")
    save_form(qtbot, window)
    dialog = window.register.duplicate_dialog
    assert dialog is not None, (window.register.notice.text(), window.register.fields._errors)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert window.detail_dialog is not None and window.detail_dialog.isVisible()
    assert window.detail_dialog.summary.value_text("name_km") in ("ចាន់ ធីតា", "សុខ ដារា")
    assert existing_id


def test_the_draft_survives_closing_the_window(qtbot, make_window, store) -> None:
    window = make_window()
    start_working(qtbot, window)
    fields = window.register.fields
    type_khmer(fields.lines["name_km"], "ចាន់ សុភា")
    type_text(qtbot, fields.lines["phone"], "097 777 1234")
    pick_place(qtbot, fields.pickers["village"], "Ou Thum")
    village = fields.cascade.village_code
    window.close()

    again = make_window()
    log_in(qtbot, again)
    choose_event(qtbot, again)  # yesterday's answer is offered; Enter keeps it
    wait_idle(qtbot, again)
    restored = again.register.fields
    assert restored.lines["name_km"].text() == "ចាន់ សុភា"
    assert restored.lines["phone"].text() == "097 777 1234"
    assert restored.cascade.village_code == village
    assert "restored" in again.register.notice.text()


def test_drafts_save_by_themselves(qtbot, make_window, store) -> None:
    window = make_window()
    start_working(qtbot, window)
    window.register.autosave.setInterval(50)
    window.register.autosave.start()
    type_text(qtbot, window.register.fields.lines["name_en"], "Keo Sina")
    qtbot.waitUntil(lambda: window.register.draft_id is not None, timeout=5000)
    wait_idle(qtbot, window)
    session = store.unlock("Sokha", PASSPHRASE)
    drafts = session.drafts()
    assert len(drafts) == 1
    assert session.load_draft(drafts[0].id)["form"]["name_en"] == "Keo Sina"


def test_a_draft_save_racing_the_registration_does_not_bring_the_person_back(
    qtbot, make_window, store
) -> None:
    window = make_window()
    start_working(qtbot, window)
    fill_person(qtbot, window)
    window.register.save_draft_now()
    window.register.save()
    window.register.save_draft_now()  # the timer firing while the save is on its way
    wait_idle(qtbot, window)
    assert "SOK DARA" in window.register.saved_label.text()
    assert store.unlock("Sokha", PASSPHRASE).drafts() == []


def test_tab_and_enter_follow_the_reading_order(qtbot, make_window, store) -> None:
    window = make_window()
    start_working(qtbot, window)
    fields = window.register.fields
    chain = fields.tab_chain()
    chain[0].setFocus()
    visited = [QApplication.focusWidget()]
    for _ in range(len(chain) - 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert visited == chain
    qtbot.keyClick(fields.consent, Qt.Key.Key_Return)  # Enter leaves the last field...
    assert window.register.save_button.hasFocus()  # ...for Save
