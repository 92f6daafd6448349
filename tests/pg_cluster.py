"""A throwaway PostgreSQL server for the store tests, started from the installed binaries.

Used two ways:

* by ``.ci/run``: ``python tests/pg_cluster.py start DIR`` initialises a cluster in ``DIR``,
  starts it on a Unix socket in ``DIR/socket`` (no TCP port, so nothing else on the machine
  can clash with it) and prints its SQLAlchemy URL; ``python tests/pg_cluster.py stop DIR``
  stops it;
* by the tests' ``postgres_admin_url`` fixture (:mod:`store_backends`), when
  ``SALESFLOW_TEST_POSTGRES_URL`` is not set: the same, in a temporary folder, for the session.

``initdb`` refuses to run as root, so as root the cluster belongs to the ``postgres`` user
(created by Debian's ``postgresql`` package) and its commands run through ``runuser``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

PORT = 5432
"""The port number in the socket's name (``.s.PGSQL.5432``); no TCP listener is opened."""


class NoServer(RuntimeError):
    """PostgreSQL cannot be started here; the message says why."""


def binaries() -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``.

    Raises
    ------
    NoServer
        No PostgreSQL server binaries are installed.
    """
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl", path=str(Path(found).resolve().parent)):
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if candidates:
        return candidates[-1].parent
    raise NoServer("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under "
                   "/usr/lib/postgresql/*/bin; install them with `apt-get install postgresql`")


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise NoServer("running as root and there is no 'postgres' user to own the "
                       "cluster (Debian's postgresql package creates it)") from exc
    return ["runuser", "-u", "postgres", "--", *command]


def _run(command: list[str]) -> None:
    done = subprocess.run(_as_owner(command), capture_output=True, text=True, check=False,
                          timeout=120)
    if done.returncode != 0:
        raise NoServer(f"{' '.join(command[:2])} failed (exit {done.returncode}): "
                       f"{(done.stderr or done.stdout).strip()[-2000:]}")


def url(folder: Path) -> str:
    """The SQLAlchemy URL of the cluster's ``postgres`` database, by its socket."""
    return f"postgresql+psycopg://postgres@/postgres?host={folder / 'socket'}&port={PORT}"


def start(folder: Path) -> str:
    """Initialise and start a cluster in ``folder`` (created if needed); return its URL.

    Raises
    ------
    NoServer
        Binaries or the ``postgres`` user are missing, or the server did not start.
    """
    bin_dir = binaries()
    folder = folder.absolute()
    (folder / "socket").mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        _as_owner(["true"])  # fails early without a postgres user
        entry = pwd.getpwnam("postgres")
        for path in (folder, folder / "socket"):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        folder.chmod(0o755)
    data = folder / "data"
    if not (data / "PG_VERSION").exists():
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
              "-E", "UTF8", "--locale=C", "--no-sync"])
    options = (f"-c listen_addresses='' -k {folder / 'socket'} -p {PORT} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
    _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
          "-o", options, "-w", "-t", "60", "start"])
    return url(folder)


def stop(folder: Path) -> None:
    """Stop the cluster in ``folder`` (fast shutdown); nothing if it is not running."""
    data = folder.absolute() / "data"
    if (data / "postmaster.pid").exists():
        _run([str(binaries() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: python tests/pg_cluster.py start|stop DIR", file=sys.stderr)
        return 2
    try:
        if argv[0] == "start":
            print(start(Path(argv[1])))
        else:
            stop(Path(argv[1]))
    except NoServer as exc:
        print(f"pg_cluster: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
