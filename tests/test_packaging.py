"""environment.yml, requirements.txt and pyproject.toml must name the same pinned packages."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([\w.]+)$")


def _pins(lines):
    pins = {}
    for line in lines:
        m = PIN.match(line.strip().lstrip("- ").strip())
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_requirements_pin_everything():
    lines = [l for l in (ROOT / "requirements.txt").read_text().splitlines() if l.strip() and not l.startswith("#")]
    pins = _pins(lines)
    assert len(pins) == len(lines), "every requirement must be pinned with =="
    assert pins["tensorflow"].startswith("2.21.") and pins["keras"].startswith("3.")
    assert pins["nbval"].startswith("0.11") and pins["jupyterlab"].startswith("4.")


def test_environment_yml_matches_requirements():
    env = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*python=3\.11\s*$", env, re.M)
    assert re.search(r"^\s*-\s*pip\s*$", env, re.M)
    assert _pins(env.splitlines()) == _pins((ROOT / "requirements.txt").read_text().splitlines())


def test_pyproject_matches_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["test"]
    assert _pins(deps) == _pins((ROOT / "requirements.txt").read_text().splitlines())
    assert project["requires-python"].startswith(">=3.11")
