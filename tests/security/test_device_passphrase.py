"""Attack: a coordinator or registrar picks a passphrase a guesser tries first. The one core
rule refuses it by a strength estimate, in the store, the command line and the screens."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldreg.errors import FieldRegError
from fieldreg.store.store import Store
from tests.cli_runner import fieldreg
from tests.factories import FAST_KDF, PASSPHRASE, new_store
from ui import messages
from ui.cli.messages import STORE_ERRORS

WEAK = ["aaaaaaaaaa", "1234567890", "passwordpassword", "qwertyuiopasdf", "Sokha-Sokha-Sokha"]


@pytest.mark.parametrize("weak", WEAK)
def test_the_store_refuses_an_easily_guessed_passphrase(tmp_path: Path, weak: str) -> None:
    with pytest.raises(FieldRegError) as refused:
        Store.create(tmp_path / "store", operator="Sokha", passphrase=weak, kdf=FAST_KDF)
    assert refused.value.code == "weak_passphrase"
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())


def test_a_new_registrar_and_a_reset_get_the_same_rule(tmp_path: Path) -> None:
    store, _ = new_store(tmp_path / "store")
    session = store.unlock("Sokha", PASSPHRASE)
    with pytest.raises(FieldRegError) as added:
        session.add_operator("Vanna", "registrar", "1234567890")
    assert added.value.code == "weak_passphrase"
    session.add_operator("Vanna", "registrar", "vanna-passphrase-1")
    with pytest.raises(FieldRegError) as reset:
        session.reset_operator("Vanna", "aaaaaaaaaa")
    assert reset.value.code == "weak_passphrase"
    store.close()


@pytest.mark.parametrize("weak", WEAK[:3])
def test_the_screens_say_why_before_argon2id_runs(weak: str) -> None:
    assert messages.new_passphrase_problem(weak, weak) == messages.store_error("weak_passphrase")
    assert messages.new_passphrase_problem(PASSPHRASE, PASSPHRASE) == ""


def test_fieldreg_init_refuses_a_weak_passphrase_in_one_line(tmp_path: Path) -> None:
    result = fieldreg(
        tmp_path / "data",
        "init",
        "--operator",
        "Sokha",
        "--recovery-qr",
        str(tmp_path / "key.png"),
        FIELDREG_PASSPHRASE="passwordpassword",
    )
    assert result.returncode != 0
    assert result.stderr.strip() == "fieldreg: " + STORE_ERRORS["weak_passphrase"]
    assert not (tmp_path / "key.png").exists()
