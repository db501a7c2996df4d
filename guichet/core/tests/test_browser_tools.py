"""The browser tests need nothing that `make test` does not install itself."""

from guichet import conftest


def test_axe_core_comes_with_the_test_extras():
    assert conftest.AXE is not None
    assert conftest.AXE.is_file()
    assert conftest.AXE.read_text()[:200].lstrip().startswith("/*! axe v4")


def test_a_missing_chromium_is_reported_with_the_command_that_installs_it(monkeypatch):
    monkeypatch.setattr(conftest, "CHROMIUM", "/nonexistent/chromium")
    message = conftest._browser_missing()
    assert message is not None
    assert "apt-get install chromium" in message


def test_nothing_is_missing_when_chromium_is_installed(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("")
    monkeypatch.setattr(conftest, "CHROMIUM", str(fake))
    assert conftest._browser_missing() is None
