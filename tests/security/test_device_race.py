"""Two desks' processes register the same people into one store at the same moment (issue 9,
item 9: `register_many` once checked duplicates outside the write lock, and 300 of 300 people
were stored twice). Each person must be stored once, whichever process wins each chunk."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.cli_runner import cli_env, fieldreg, fieldreg_command, init_store
from tests.factories import raw_record

PEOPLE = 300  # more than one commit chunk (250), so chunks of both processes interleave


def test_two_processes_registering_the_same_people_store_each_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    init_store(data_dir)
    people = tmp_path / "people.jsonl"
    people.write_text("".join(json.dumps(raw_record()) + "\n" for _ in range(PEOPLE)))
    command = [*fieldreg_command(), "register", str(people)]
    desks = [
        subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=cli_env(data_dir),
            cwd=tmp_path,
        )
        for _ in range(2)
    ]
    outputs = [desk.communicate(timeout=300) for desk in desks]
    printed = [
        json.loads(line)["id"] for out, _err in outputs for line in out.decode().splitlines()
    ]
    listed = fieldreg(data_dir, "list").stdout.splitlines()
    assert len(listed) == PEOPLE, [err.decode()[-300:] for _out, err in outputs]
    assert sorted(printed) == sorted(json.loads(line)["id"] for line in listed)
    refused = [
        err.decode() for (_out, err), desk in zip(outputs, desks, strict=True) if desk.returncode
    ]
    assert all("duplicate" in err for err in refused), refused
