import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_production_values():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "pilots.example.org",
    }
    env["DJANGO_SETTINGS_MODULE"] = "reform.settings"
    for name in ("WHITENOISE_USE_FINDERS", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_flags_the_development_secret_key():
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "pilots.example.org"}
    env["DJANGO_SETTINGS_MODULE"] = "reform.settings"
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_every_page_sends_a_csp_without_inline_script(client, db):
    response = client.get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def database_options(**env_values) -> str:
    """The default database's OPTIONS as reform/settings.py makes them from these variables."""
    env = {name: value for name, value in os.environ.items() if name != "DB_PREPARED_STATEMENTS"}
    env.update(env_values, DJANGO_SETTINGS_MODULE="reform.settings")
    code = (
        "import reform.settings as s; "
        "print(sorted(s.DATABASES['default'].get('OPTIONS', {}).items()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_binds_parameters_on_the_server_and_prepares_repeated_statements():
    url = "postgres://reform@db.example.org:5432/reform"
    assert database_options(DATABASE_URL=url) == (
        "[('prepare_threshold', 5), ('server_side_binding', True)]"
    )
    # Behind a pooler that loses prepared statements: Django's client-side binding.
    assert database_options(DATABASE_URL=url, DB_PREPARED_STATEMENTS="False") == "[]"
    # SQLite has neither.
    assert "server_side_binding" not in database_options(DATABASE_URL="sqlite:///x.sqlite3")
