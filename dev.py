#!/usr/bin/env python3
"""Set up and run the project on this machine, or run its tests. Needs only Python 3.11+.

python3 dev.py serve            virtual environment, install, migrate, reference and demo
                                data, demo accounts; then the site at http://127.0.0.1:8000
python3 dev.py test [ARGS]      the whole test suite (ARGS go to pytest)
"""

import hashlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*args, env=None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env)


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("Python 3.11 or newer is needed (this is {}.{}).".format(*sys.version_info[:2]))
    if not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    # Reinstall only when pyproject.toml changed since the last install.
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{digest}"
    if not stamp.exists():
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", f"{ROOT}[dev]")
        for old in VENV.glob(".installed-*"):
            old.unlink()
        stamp.touch()


def serve(args: list[str]) -> None:
    env = {**os.environ}
    env.setdefault("DEBUG", "1")
    run(PYTHON, "manage.py", "migrate", "--no-input", env=env)
    run(PYTHON, "manage.py", "seed_demo", "--if-empty", env=env)
    address = args[0] if args else "127.0.0.1:8000"
    print(
        f"\nThe site runs at http://{address}/ — sign in with an account above. Ctrl+C stops it.\n"
    )
    # The background worker (long imports, reform/jobs.py) runs beside the site and stops with
    # it. Each runs in a session of its own, so that stopping it stops its children too.
    session = {"start_new_session": True} if os.name == "posix" else {}
    worker = subprocess.Popen([str(PYTHON), "manage.py", "db_worker"], cwd=ROOT, env=env, **session)
    site = subprocess.Popen(
        [str(PYTHON), "manage.py", "runserver", address], cwd=ROOT, env=env, **session
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped by a signal, not Ctrl+C
    try:
        site.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for process in (site, worker):
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    if os.name == "posix":
        os.killpg(process.pid, signal.SIGTERM)
    else:
        process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def test(args: list[str]) -> None:
    result = subprocess.run([str(PYTHON), "-m", "pytest", *args], cwd=ROOT)
    sys.exit(result.returncode)


def main() -> None:
    command, *args = sys.argv[1:] or ["serve"]
    commands = {"serve": serve, "test": test, "setup": lambda args: None}
    if command not in commands:
        sys.exit(__doc__)
    ensure_environment()
    commands[command](args)


if __name__ == "__main__":
    main()
