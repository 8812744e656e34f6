"""Shared fixtures: the project's own small files, and the real samples when they are present.

Test layers (markers registered in pyproject.toml):
- no marker: unit and property tests on small frames: `make test-fast` runs only these, with
  subprocesses forbidden (ARMS_TEST_LAYER=fast) so that the layer stays free of servers,
  browsers and child processes;
- ``slow``: subprocesses (CLI, kaleido's Chromium, killed writers) or large generated inputs;
- ``app``: AppTest runs of the pages (every test_pages_* module is marked here);
- ``browser``: Playwright against a started server; ``samples``: reads ../shared/sipri-samples/.

Store tests take ``store_target``: a fresh SQLite file, then (marked ``slow``: a server) a fresh
database on a real PostgreSQL server: ``$ARMS_TEST_PG_URL`` (``make test`` starts a throwaway
cluster and sets it), else a cluster this session starts itself when PostgreSQL is installed,
else those tests skip with a sentence (and fail under CI=true).

Hypothesis: the ``ci`` profile (loaded when CI=true) runs every property with the example
count written in the test; the ``dev`` profile runs a fifth of it. Tests write
``@settings(max_examples=examples(N))``.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SAMPLES = ROOT.parent / "shared" / "sipri-samples"

settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)


def examples(n: int) -> int:
    """N examples under the ``ci`` profile, proportionally fewer (at least 10) under ``dev``."""
    return max(10, round(n * settings.default.max_examples / 100))


def needs_chromium(test):
    """Image export through kaleido's Chromium: a slow test, skipped without Chromium outside CI."""
    from analysis.export import chromium_available

    missing = pytest.mark.skipif(
        not chromium_available() and os.environ.get("CI") != "true",
        reason="no Chromium for kaleido (apt-get install -y chromium); required under CI",
    )
    return pytest.mark.slow(missing(test))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name.startswith("test_pages_"):
            item.add_marker(pytest.mark.app)


@pytest.fixture(autouse=True)
def _pages_run_through_app_py(monkeypatch):
    """AppTest as a server after its first run: pages go through app.py's st.navigation.

    AppTest resets Streamlit's old pages/-folder mode before every run, so with a pages/ folder
    every run after the first would start in that mode (a server is in it only until its first
    st.navigation). tests/test_browser.py checks first deep links on a fresh server for real.
    """
    from streamlit.runtime.pages_manager import PagesManager

    init = PagesManager.__init__

    def init_after_first_run(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init_after_first_run)


@pytest.fixture(autouse=True)
def _fast_layer_has_no_subprocess(request, monkeypatch):
    """In the fast layer a child process is a bug in the test's marking: fail with a sentence."""
    if os.environ.get("ARMS_TEST_LAYER") != "fast":
        return

    def refuse(*args, **kwargs):
        raise AssertionError(
            f"{request.node.nodeid} starts a subprocess: mark it slow (test-fast runs none)"
        )

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's chromium driven by Playwright, one for the whole session.

    Shared by every browser module (tests/test_browser*.py): Playwright's sync API cannot run
    a second instance while one is open.
    """
    from .test_browser import CHROMIUM, CHROMIUM_ARGS, _require_chromium

    _require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A fresh store for the app (ARMS_DB), with Streamlit's caches empty around the test."""
    import streamlit as st

    path = tmp_path / "arms.sqlite"
    monkeypatch.setenv("ARMS_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_db(db):
    """Like ``db``, with the store already created (and its events seeded)."""
    from analysis.store import Store

    Store(db)
    return db


@pytest.fixture
def fixture_path():
    def get(name: str) -> Path:
        return DATA / name

    return get


@pytest.fixture
def sample_path():
    def get(prefix: str) -> Path:
        if not SAMPLES.is_dir():
            pytest.skip("../shared/sipri-samples/ is not present")
        hits = sorted(SAMPLES.glob(prefix + "*"))
        if not hits:
            pytest.skip(f"sample {prefix}* is not present")
        return hits[0]

    return get


# --------------------------------------------------------------------------- PostgreSQL

NO_POSTGRESQL = (
    "PostgreSQL is not installed (apt-get install postgresql, or run make test as root): the "
    "store tests against PostgreSQL are skipped"
)


@pytest.fixture(scope="session")
def pg_server():
    """The admin URL of a PostgreSQL server for this session (see the module's docstring)."""
    url = os.environ.get("ARMS_TEST_PG_URL", "").strip()
    if url:
        yield url
        return
    from tools.pg_cluster import Cluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail(NO_POSTGRESQL.replace("are skipped", "cannot run under CI"))
        pytest.skip(NO_POSTGRESQL)
    cluster = Cluster(bindir)
    cluster.start()
    try:
        yield cluster.url()
    finally:
        cluster.stop()


def pg_admin(url: str):
    """A psycopg connection (autocommit) to the database named by an SQLAlchemy URL."""
    import psycopg
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    return psycopg.connect(
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
        autocommit=True,
    )


@pytest.fixture
def pg_url(pg_server):
    """A new, empty database on the test server, dropped after the test."""
    import sqlalchemy as sa

    from analysis.store import pg

    name = f"arms_test_{uuid.uuid4().hex[:12]}"
    with pg_admin(pg_server) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = sa.make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    yield url
    pg.dispose_engines(url)
    with pg_admin(pg_server) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def store_target(request, tmp_path):
    """Where a store test keeps its store: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "store" / "arms.sqlite"
    return request.getfixturevalue("pg_url")


def open_page(page: str, **params: str):
    """AppTest of ``pages/<page>.py`` run through app.py with these URL parameters; fails on
    any exception the page raised."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@contextlib.contextmanager
def browser_tab(browser, width: int = 1440, height: int = 900, **context_options):
    """A fresh page (own context, with Playwright's ``context_options`` such as
    ``permissions``) of the shared Chromium, closed afterwards."""
    context = browser.new_context(viewport={"width": width, "height": height}, **context_options)
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        yield page
    finally:
        context.close()
