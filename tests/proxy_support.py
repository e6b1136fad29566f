"""N real `fieldreg-hub serve` processes over one database, behind a real nginx on loopback,
rendered from deploy/nginx/fieldreg-hub.conf (issue 10 item 3). Everything started here is
stopped when the `with` block ends; `pids()` names every process it started, for the test to
check that none is left."""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

from sync.hub.hub import Hub
from sync.tls import make_self_signed
from tests.cli_runner import REPO, cli_custody, hub_env
from tests.sync_support import wait_until

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TEMPLATE = REPO / "deploy" / "nginx" / "fieldreg-hub.conf"
PROXY_ADDRESS = "127.0.0.2"  # nginx connects to the instances from here; devices from .1
START_TIMEOUT_S = 60.0  # an instance unlocks its key file (Argon2id) and migrates first
STOP_TIMEOUT_S = 15.0
LISTENING = re.compile(r"listening on https?://127\.0\.0\.1:(\d+)")
NGINX_TEMP_DIRS = ("body", "proxy", "fastcgi", "uwsgi", "scgi")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def queued_bytes(port: int) -> int:
    """The most bytes waiting unread on one established connection to 127.0.0.1:`port`
    (/proc/net/tcp): a request the kernel took in for a process that has not read it."""
    most = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, queues = fields[1], fields[3], fields[4]
        if state == "01" and int(local.split(":")[1], 16) == port:  # 01: ESTABLISHED
            most = max(most, int(queues.split(":")[1], 16))
    return most


def stop_process(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT_S)


class Instance:
    """One `fieldreg-hub serve` subprocess on a free 127.0.0.1 port."""

    def __init__(self, number: int, process: subprocess.Popen[bytes], log: Path) -> None:
        self.number = number
        self.process = process
        self.log = log
        self.port = 0

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self) -> None:
        """The port it printed, then GET /v1/hub answering 200."""

        def listening() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"instance {self.number} exited: {self.log.read_text()}")
            found = LISTENING.search(self.log.read_text())
            if found:
                self.port = int(found.group(1))
            return bool(found)

        def answering() -> bool:
            try:
                return requests.get(self.url + "/v1/hub", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(listening, START_TIMEOUT_S, f"instance {self.number} to listen")
        wait_until(answering, START_TIMEOUT_S, f"instance {self.number} to answer")


class ProxiedHubs:
    """`instances` hub processes on one data directory (and, when given, one `database`
    URL, passed as `serve --database URL`), behind nginx over TLS at `url`. The instances
    share one key file under one throwaway passphrase; the first one creates it."""

    def __init__(self, root: Path, *, instances: int = 2, database: str | None = None) -> None:
        self.root = root
        self.data_dir = root / "hub"
        self.instance_count = instances
        self.database = database
        self.tls = make_self_signed(root / "proxy-tls")
        self.run_dir = Path(tempfile.mkdtemp(prefix="fieldreg-nginx-"))
        self.port = free_port()
        self.instances: list[Instance] = []
        self.nginx: subprocess.Popen[bytes] | None = None
        self._started_pids: set[int] = set()
        self._hub: Hub | None = None

    # -- the instances -------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        return hub_env(self.data_dir)

    def start_instance(self) -> Instance:
        number = len(self.instances)
        log = self.root / f"instance-{number}.log"
        argv = [sys.executable, "-c", "from sync.hub.cli import main; raise SystemExit(main())"]
        argv += ["serve", "--port", "0", "--forwarded-allow-ips", PROXY_ADDRESS]
        if self.database is not None:
            argv += ["--database", self.database]
        with log.open("wb") as out:
            process = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env()
            )
        self._started_pids.add(process.pid)
        instance = Instance(number, process, log)
        self.instances.append(instance)
        instance.wait_ready()
        return instance

    def kill(self, instance: Instance) -> None:
        """SIGKILL: no goodbye, no cleanup, as a crash or the OOM killer would."""
        instance.process.kill()
        instance.process.wait(STOP_TIMEOUT_S)

    def hub(self) -> Hub:
        """The same hub opened in this process (to read what arrived, to issue tokens)."""
        if self._hub is None:
            self._hub = Hub(self.data_dir, cli_custody(self.data_dir), database=self.database)
        return self._hub

    # -- nginx ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def render(self, tls: tuple[Path, Path]) -> Path:
        """nginx.conf in the run directory, from the template, for the running instances."""
        upstreams = "\n        ".join(
            f"server 127.0.0.1:{i.port} max_fails=1 fail_timeout=10s;" for i in self.instances
        )
        user = ""
        if os.geteuid() == 0:  # workers run unprivileged; they write only the temp dirs
            nobody = pwd.getpwnam("nobody")
            user = f"user nobody {grp.getgrgid(nobody.pw_gid).gr_name};"
            self.run_dir.chmod(0o711)
        for name in NGINX_TEMP_DIRS:
            folder = self.run_dir / "temp" / name
            folder.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                os.chown(folder, pwd.getpwnam("nobody").pw_uid, -1)
        text = TEMPLATE.read_text()
        for name, value in {
            "@RUN_DIR@": str(self.run_dir),
            "@USER@": user,
            "@LISTEN@": f"127.0.0.1:{self.port}",
            "@TLS_CERT@": str(tls[0]),
            "@TLS_KEY@": str(tls[1]),
            "@UPSTREAMS@": upstreams,
            "@PROXY_ADDRESS@": PROXY_ADDRESS,
        }.items():
            text = text.replace(name, value)
        left = re.search(r"@[A-Z_]+@", re.sub(r"#.*", "", text))
        assert left is None, f"{left} was left in nginx.conf"
        conf = self.run_dir / "nginx.conf"
        conf.write_text(text)
        return conf

    def start_nginx(self, tls: tuple[Path, Path] | None = None) -> None:
        tls = tls or self.tls
        self.render(tls)
        argv = [NGINX, "-p", str(self.run_dir), "-c", "nginx.conf"]
        argv += ["-e", str(self.run_dir / "error.log"), "-g", "daemon off;"]
        self.nginx = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
        self._started_pids.add(self.nginx.pid)

        def answering() -> bool:
            if self.nginx is None or self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.error_log()}")
            try:
                answer = requests.get(self.url + "/v1/hub", timeout=2, verify=str(tls[0]))
            except requests.RequestException:
                return False
            return answer.status_code == 200

        wait_until(answering, START_TIMEOUT_S, "nginx to answer")
        self._started_pids.update(self.nginx_workers())

    def stop_nginx(self) -> None:
        if self.nginx is not None:
            self._started_pids.update(self.nginx_workers())
            stop_process(self.nginx, signal.SIGQUIT)  # graceful: workers finish, then exit
            self.nginx = None

    def nginx_workers(self) -> set[int]:
        """The processes whose parent is the nginx master."""
        if self.nginx is None:
            return set()
        workers = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # it ended meanwhile
            if int(fields[1]) == self.nginx.pid:
                workers.add(int(stat.parent.name))
        return workers

    def error_log(self) -> str:
        path = self.run_dir / "error.log"
        return path.read_text() if path.exists() else ""

    def access_log(self) -> list[str]:
        path = self.run_dir / "access.log"
        return path.read_text().splitlines() if path.exists() else []

    # -- all of it -----------------------------------------------------------------------

    def pids(self) -> set[int]:
        """Every process this started: instances, nginx and its workers."""
        return set(self._started_pids)

    def __enter__(self) -> ProxiedHubs:
        try:
            for _ in range(self.instance_count):  # one at a time: the first makes the key file
                self.start_instance()
            self.start_nginx()
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        self.stop_nginx()
        for instance in self.instances:
            stop_process(instance.process)
        if self._hub is not None:
            self._hub.close()
            self._hub = None
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def __exit__(self, *raised: object) -> None:
        self.close()
