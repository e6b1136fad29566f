"""The encrypted store through its API: login, registration, duplicates, corrections, drafts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fieldreg.store.crypto import WrongKey
from fieldreg.store.database import StoreError
from fieldreg.store.operators import LOCK_OUT_AFTER
from fieldreg.store.store import Store
from tests.factories import FAST_KDF, PASSPHRASE, FakeClock, new_store, raw_record


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Store:
    created, _ = new_store(tmp_path / "data", clock)
    return created


def register(session, **overrides) -> str:
    return session.register(session.validate(raw_record(**overrides)).record)


def test_registered_record_reads_back_normalised(store: Store) -> None:
    session = store.unlock("Sokha", PASSPHRASE)
    registration_id = register(session, name_en="keo sophea", phone="+855 12 777 888")
    stored = session.get(registration_id)
    assert stored.record.name_en == "KEO SOPHEA"
    assert stored.record.phone == "+85512777888"
    assert (stored.operator, stored.status, stored.version) == ("Sokha", "pending", 1)
    assert stored.device_id == store.device_id


def test_ids_are_uuid7_and_sort_by_time(store: Store, clock: FakeClock) -> None:
    session = store.unlock("Sokha", PASSPHRASE)
    first = register(session)
    clock.advance(1)
    second = register(session)
    assert first[14] == "7" and second[14] == "7"
    assert first < second


def test_wrong_passphrase_backs_off_longer_each_time_then_locks(
    store: Store, clock: FakeClock
) -> None:
    waits = []
    for _ in range(LOCK_OUT_AFTER - 1):
        with pytest.raises(StoreError) as failure:
            store.unlock("Sokha", "not the passphrase")
        assert failure.value.code == "wrong_passphrase"
        waits.append(failure.value.detail["seconds"])
        with pytest.raises(StoreError) as early:  # even the right passphrase must wait
            store.unlock("Sokha", PASSPHRASE)
        assert early.value.code == "backoff"
        clock.advance(waits[-1])
    assert waits == sorted(waits) and waits[-1] > waits[0]
    with pytest.raises(StoreError) as locked:
        store.unlock("Sokha", "not the passphrase")
    assert locked.value.code == "locked_out"
    clock.advance(3600)
    with pytest.raises(StoreError) as still_locked:
        store.unlock("Sokha", PASSPHRASE)
    assert still_locked.value.code == "locked_out"


def test_a_success_clears_the_failure_count(store: Store, clock: FakeClock) -> None:
    with pytest.raises(StoreError):
        store.unlock("Sokha", "wrong wrong wrong")
    clock.advance(60)
    store.unlock("Sokha", PASSPHRASE)
    assert store.operators()[0].failed_attempts == 0


def test_recovery_key_sets_a_new_coordinator_passphrase_after_lock_out(
    tmp_path: Path, clock: FakeClock
) -> None:
    store, recovery_key = new_store(tmp_path / "data", clock)
    registration_id = register(store.unlock("Sokha", PASSPHRASE))
    for _ in range(LOCK_OUT_AFTER):
        clock.advance(400)
        with pytest.raises(StoreError):
            store.unlock("Sokha", "forgotten passphrase")
    with pytest.raises(StoreError) as wrong:
        store.recover("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", "Sokha", "new-passphrase-2")
    assert wrong.value.code == "wrong_recovery_key"
    store.recover(recovery_key.lower().replace("-", " "), "Sokha", "new-passphrase-2")
    session = store.unlock("Sokha", "new-passphrase-2")
    assert session.get(registration_id).record.name_en == "SOK DARA"
    # and a brand-new coordinator can be created with it too
    store.recover(recovery_key, "Dara", "another-passphrase-3")
    assert store.unlock("Dara", "another-passphrase-3").operator.is_coordinator


def test_registrar_sees_own_records_and_coordinator_sees_all(store: Store) -> None:
    coordinator = store.unlock("Sokha", PASSPHRASE)
    coordinator.add_operator("Vanna", "registrar", "registrar-pass-1")
    mine = register(coordinator)
    registrar = store.unlock("Vanna", "registrar-pass-1")
    theirs = register(registrar)
    assert [r.id for r in registrar.registrations()] == [theirs]
    assert {r.id for r in coordinator.registrations()} == {mine, theirs}
    with pytest.raises(StoreError) as refused:
        registrar.add_operator("Chan", "registrar", "another-pass-1")
    assert refused.value.code == "not_permitted"


def test_coordinator_resets_a_locked_out_registrar(store: Store, clock: FakeClock) -> None:
    coordinator = store.unlock("Sokha", PASSPHRASE)
    coordinator.add_operator("Vanna", "registrar", "registrar-pass-1")
    for _ in range(LOCK_OUT_AFTER):
        clock.advance(400)
        with pytest.raises(StoreError):
            store.unlock("Vanna", "guess guess guess")
    coordinator.reset_operator("Vanna", "fresh-pass-1234")
    assert store.unlock("Vanna", "fresh-pass-1234").operator.name == "Vanna"


def test_weak_passphrases_and_bad_names_are_refused(store: Store) -> None:
    coordinator = store.unlock("Sokha", PASSPHRASE)
    for name, role, passphrase, code in [
        ("Vanna", "registrar", "short", "passphrase_too_short"),
        ("", "registrar", "long-enough-1", "invalid_operator_name"),
        ("Va\x00nna", "registrar", "long-enough-1", "invalid_operator_name"),
        ("Vanna", "admin", "long-enough-1", "invalid_role"),
        ("Sokha", "registrar", "long-enough-1", "operator_exists"),
    ]:
        with pytest.raises(StoreError) as refused:
            coordinator.add_operator(name, role, passphrase)
        assert refused.value.code == code


def test_duplicate_check_names_the_matching_record(store: Store) -> None:
    session = store.unlock("Sokha", PASSPHRASE)
    existing = register(session, id_number="555666777", phone="097 123 4567")
    same_id = session.validate(raw_record(id_number="555 666 777")).record
    with pytest.raises(StoreError) as duplicate:
        session.register(same_id)
    assert [(m.registration_id, m.field) for m in duplicate.value.detail["matches"]] == [
        (existing, "id_number")
    ]
    same_phone = session.validate(raw_record(phone="+855 97 123 4567")).record
    assert [(m.registration_id, m.field) for m in session.find_duplicates(same_phone)] == [
        (existing, "phone")
    ]
    anyway = session.register(same_phone, duplicate_reason="sister shares the phone")
    assert session.history(anyway)[0].note == "sister shares the phone"
    assert len(list(session.registrations())) == 2


def test_passport_and_national_id_with_same_digits_are_not_duplicates(store: Store) -> None:
    session = store.unlock("Sokha", PASSPHRASE)
    register(session, id_number="123456789")
    passport = session.validate(raw_record(id_type="passport", id_number="123456789")).record
    assert session.find_duplicates(passport) == []


def test_correction_keeps_history_and_versions_are_immutable(store: Store) -> None:
    session = store.unlock("Sokha", PASSPHRASE)
    registration_id = register(session, name_en="SOK DARRA")
    fixed = session.validate(raw_record(name_en="SOK DARA")).record
    assert session.correct(registration_id, fixed, reason="typo in the name") == 2
    history = session.history(registration_id)
    assert [(v.version, v.change, v.record.name_en) for v in history] == [
        (1, "created", "SOK DARRA"),
        (2, "correction", "SOK DARA"),
    ]
    assert history[1].note == "typo in the name"
    assert session.get(registration_id).record.name_en == "SOK DARA"
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        store.db.execute("UPDATE registration_versions SET ciphertext = x'00'")
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        store.db.execute("DELETE FROM registrations")
    with pytest.raises(StoreError) as no_reason:
        session.correct(registration_id, fixed, reason=" ")
    assert no_reason.value.code == "reason_required"


def test_a_ciphertext_moved_to_another_record_does_not_decrypt(store: Store) -> None:
    session = store.unlock("Sokha", PASSPHRASE)
    first, second = register(session), register(session)
    store.db.execute("DROP TRIGGER registration_versions_immutable")
    store.db.execute(
        "UPDATE registration_versions SET ciphertext = (SELECT ciphertext FROM"
        " registration_versions WHERE registration_id = ?) WHERE registration_id = ?",
        [first, second],
    )
    with pytest.raises(WrongKey):
        session.get(second)


def test_drafts_are_encrypted_and_finalising_removes_them(store: Store) -> None:
    session = store.unlock("Sokha", PASSPHRASE)
    draft_id = session.save_draft({"name_en": "CHAN THIDA DRAFT"}, event="Tent 3")
    session.save_draft(
        {"name_en": "CHAN THIDA DRAFT", "sex": "F"}, draft_id=draft_id, event="Tent 3"
    )
    assert session.load_draft(draft_id) == {"name_en": "CHAN THIDA DRAFT", "sex": "F"}
    assert [d.id for d in session.drafts()] == [draft_id]
    raw = store.db.execute("SELECT ciphertext FROM drafts").fetchone()[0]
    assert b"CHAN THIDA" not in raw
    record = session.validate(raw_record(name_en="CHAN THIDA")).record
    session.register(record, event="Tent 3", draft_id=draft_id)
    assert session.drafts() == []
    with pytest.raises(StoreError):
        session.save_draft({"blob": "x" * 70_000})


def test_register_many_reports_each_chunk_after_commit(store: Store) -> None:
    session = store.unlock("Sokha", PASSPHRASE)
    records = [session.validate(raw_record()).record for _ in range(260)]
    chunks: list[list[str]] = []

    def on_commit(ids: list[str]) -> None:
        count = store.db.execute("SELECT count(*) FROM registrations").fetchone()[0]
        assert count == sum(map(len, chunks)) + len(ids)  # already committed when we hear it
        chunks.append(ids)

    session.register_many(records, event="Kampong Cham outreach", on_commit=on_commit)
    assert [len(c) for c in chunks] == [250, 10]


def test_store_reopens_and_unlocks_from_disk(tmp_path: Path, clock: FakeClock) -> None:
    store, _ = new_store(tmp_path / "data", clock)
    registration_id = register(store.unlock("Sokha", PASSPHRASE))
    store.close()
    reopened = Store.open(tmp_path / "data", clock=clock, kdf=FAST_KDF)
    assert reopened.unlock("Sokha", PASSPHRASE).get(registration_id).record.sex == "F"


def test_creating_twice_or_opening_nothing_is_a_clear_error(tmp_path: Path) -> None:
    new_store(tmp_path / "data")
    with pytest.raises(StoreError) as twice:
        new_store(tmp_path / "data")
    assert twice.value.code == "already_initialised"
    with pytest.raises(StoreError) as missing:
        Store.open(tmp_path / "elsewhere")
    assert missing.value.code == "not_initialised"


def test_device_identity_is_stable_and_usable_while_locked(tmp_path: Path) -> None:
    store, _ = new_store(tmp_path / "data")
    identity = store.device_identity()
    assert identity.device_id == store.device_id and identity.certificate is None
    store.close()
    reopened = Store.open(tmp_path / "data")  # nobody unlocks it
    again = reopened.device_identity()
    signature = again.sign(b"batch")
    identity.private_key.public_key().verify(signature, b"batch")
    assert reopened.trusted_hub_signing_key() is None


def test_coordinator_disables_and_enables_an_operator(store: Store) -> None:
    coordinator = store.unlock("Sokha", PASSPHRASE)
    coordinator.add_operator("Vanna", "registrar", "registrar-pass-1")
    mine = register(store.unlock("Vanna", "registrar-pass-1"))
    coordinator.set_operator_disabled("Vanna", True)
    with pytest.raises(StoreError) as refused:
        store.unlock("Vanna", "registrar-pass-1")
    assert refused.value.code == "operator_disabled"
    assert coordinator.get(mine).operator == "Vanna"  # their registrations stay
    with pytest.raises(StoreError) as self_disable:
        coordinator.set_operator_disabled("Sokha", True)
    assert self_disable.value.code == "not_permitted"
    coordinator.set_operator_disabled("Vanna", False)
    assert store.unlock("Vanna", "registrar-pass-1").operator.name == "Vanna"


def test_idle_lock_setting_is_the_coordinators_and_audited(store: Store) -> None:
    assert store.device_setting("idle_lock_minutes") == 10
    coordinator = store.unlock("Sokha", PASSPHRASE)
    coordinator.set_device_setting("idle_lock_minutes", 3)
    assert store.device_setting("idle_lock_minutes") == 3
    coordinator.add_operator("Vanna", "registrar", "registrar-pass-1")
    with pytest.raises(StoreError):
        store.unlock("Vanna", "registrar-pass-1").set_device_setting("idle_lock_minutes", 200)
    for never_or_absurd in (0, 100_000):
        with pytest.raises(StoreError):
            coordinator.set_device_setting("idle_lock_minutes", never_or_absurd)
    actions = [row[0] for row in store.db.execute("SELECT action FROM audit_log")]
    assert "setting" in actions and store.verify_audit().ok
