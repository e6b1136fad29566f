"""Attack: many wrong guesses at once, from separate processes on one store, to beat the
lock-out. Every guess that reaches Argon2id must be counted as a failure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fieldreg.store.store import Store
from tests.cli_runner import REPO
from tests.factories import FAST_KDF, new_store

GUESSERS = 24

# Opens the store, says "ready", waits for "go" on stdin, makes one wrong guess and prints
# the code it got back: every guesser is at the starting line before any of them guesses.
GUESS = """
import json, sys
from pathlib import Path
from fieldreg.errors import FieldRegError
from fieldreg.store.store import Store
store = Store.open(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()
try:
    store.unlock("Sokha", "a-wrong-guess-" + sys.argv[2])
    code = "unlocked"
except FieldRegError as error:
    code = error.code
print(json.dumps(code), flush=True)
"""


def test_parallel_wrong_guesses_each_count_as_a_failure(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store, _ = new_store(root)
    store.close()
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    guessers = [
        subprocess.Popen(
            [sys.executable, "-c", GUESS, str(root), str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(GUESSERS)
    ]
    try:
        for guesser in guessers:
            assert guesser.stdout is not None and guesser.stdout.readline().strip() == "ready"
        for guesser in guessers:
            assert guesser.stdin is not None
            guesser.stdin.write("go\n")
            guesser.stdin.flush()
        codes = [json.loads(guesser.communicate(timeout=120)[0]) for guesser in guessers]
    finally:
        for guesser in guessers:
            guesser.kill()
            guesser.wait(timeout=30)

    assert set(codes) <= {"wrong_passphrase", "backoff", "locked_out", "store_busy"}, codes
    guesses_tried = codes.count("wrong_passphrase") + codes.count("locked_out")
    store = Store.open(root, kdf=FAST_KDF)
    try:
        [sokha] = store.operators()
        assert sokha.failed_attempts == guesses_tried, (sokha.failed_attempts, codes)
        # The wait after the first failure holds the other guessers off before Argon2id.
        assert codes.count("backoff") >= 1, codes
    finally:
        store.close()
