"""A real PostgreSQL server for the tests: Debian's binaries, `initdb` into a temporary folder and
`pg_ctl start` listening only on 127.0.0.1, on a free port.

`start_postgres_server()` returns a running server with the roles the README asks an operator to
create: an owner login that loads the warehouse (CREATEROLE, owns the database) and a separate
read-only login that answers run as (NOINHERIT, CONNECT only). PostgreSQL refuses to run as root,
so as root the server's own commands run as the `postgres` user (or `nobody`) through `setpriv`,
with the data folder owned by that user. Starting takes about a second or two; stop() removes it.

The binaries: `initdb` on PATH, else the newest /usr/lib/postgresql/<version>/bin (`make postgres`
installs Debian's `postgresql` package when neither is there).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DATABASE = "cityqa"
SUPERUSER = "cityqa_admin"
OWNER = "cityqa_owner"
READER = "cityqa_reader"
# Test-only passwords on a loopback server that lives for one test session.
SUPERUSER_PASSWORD = "admin-test-password"
OWNER_PASSWORD = "owner-test-password"
READER_PASSWORD = "reader-test-password"


def postgres_bin_dir() -> Path | None:
    """The folder of initdb/pg_ctl/postgres, or None when PostgreSQL is not installed."""
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_user() -> pwd.struct_passwd | None:
    """Who runs the server's commands when the tests run as root (None: the current user)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists")


@dataclass
class PostgresServer:
    port: int
    root: Path
    bin_dir: Path
    user: pwd.struct_passwd | None
    start_seconds: float = 0.0

    def url(self, role: str = SUPERUSER, password: str = SUPERUSER_PASSWORD, database: str = DATABASE) -> str:
        return f"postgresql://{role}:{password}@127.0.0.1:{self.port}/{database}"

    @property
    def owner_url(self) -> str:
        return self.url(OWNER, OWNER_PASSWORD)

    @property
    def reader_url(self) -> str:
        return self.url(READER, READER_PASSWORD)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        """Run one of PostgreSQL's programs as the server's user."""
        argv = [str(self.bin_dir / command[0]), *command[1:]]
        if self.user is not None:
            argv = [
                "setpriv",
                f"--reuid={self.user.pw_uid}",
                f"--regid={self.user.pw_gid}",
                "--clear-groups",
                *argv,
            ]
        return subprocess.run(
            argv, capture_output=True, text=True, check=False, cwd=self.root, timeout=120, env=_clean_env()
        )

    def stop(self) -> None:
        try:
            self.run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w", "-t", "30")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _clean_env() -> dict[str, str]:
    """The environment without PG* variables that could point the programs elsewhere."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


def _check(result: subprocess.CompletedProcess[str], what: str) -> None:
    if result.returncode != 0:
        raise RuntimeError(
            f"{what} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}"
        )


def start_postgres_server() -> PostgresServer:
    """initdb + pg_ctl start on 127.0.0.1 with the owner and reader logins and the `cityqa` database."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (run `make postgres`)")
    started = time.perf_counter()
    user = _server_user()
    # Not under pytest's tmp_path: that folder is private to root, and the server may run as postgres.
    root = Path(tempfile.mkdtemp(prefix="cityqa-postgres-"))
    server = PostgresServer(port=_free_port(), root=root, bin_dir=bin_dir, user=user)
    try:
        password_file = root / "superuser.pw"
        password_file.write_text(SUPERUSER_PASSWORD + "\n", encoding="ascii")
        if user is not None:
            for path in (root, password_file):
                os.chown(path, user.pw_uid, user.pw_gid)
        _check(
            server.run(
                "initdb",
                "-D",
                str(server.data_dir),
                "-U",
                SUPERUSER,
                f"--pwfile={password_file}",
                "--auth-host=scram-sha-256",
                "--auth-local=reject",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ),
            "initdb",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {server.port} -c unix_socket_directories='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60 "
            "-c shared_buffers=32MB"
        )
        _check(
            server.run(
                "pg_ctl",
                "start",
                "-D",
                str(server.data_dir),
                "-l",
                str(root / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
            ),
            "pg_ctl start",
        )
        _create_database_and_logins(server)
    except BaseException:
        server.stop()
        raise
    server.start_seconds = time.perf_counter() - started
    return server


def _create_database_and_logins(server: PostgresServer) -> None:
    """What the README asks an operator to run once (as a superuser) before pointing cityqa at it."""
    import psycopg

    with psycopg.connect(server.url(database="postgres"), autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {OWNER} LOGIN CREATEROLE PASSWORD '{OWNER_PASSWORD}'")
        admin.execute(f"CREATE ROLE {READER} LOGIN NOINHERIT PASSWORD '{READER_PASSWORD}'")
        admin.execute(f"CREATE DATABASE {DATABASE} OWNER {OWNER}")
        admin.execute(f"REVOKE ALL ON DATABASE {DATABASE} FROM PUBLIC")
        admin.execute(f"GRANT CONNECT ON DATABASE {DATABASE} TO {READER}")
