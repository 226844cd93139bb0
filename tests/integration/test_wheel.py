"""The wheel as a user installs it: built from the tree, installed in a fresh venv, run elsewhere.

The fresh venv has no system site-packages and no PYTHONPATH, so `trustsvc` is the wheel's
copy, never the checkout. Its dependencies come from the shared venv through one path line
(a `.pth` with a directory is only a sys.path entry: the shared venv's editable finder is not
run), which keeps the test offline apart from the build backend pip fetches for the build.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What the wheel is built from; copied so the build's build/ and egg-info stay out of the tree.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "probes", "trustsvc")
PIP = (sys.executable, "-m", "pip")
PIP_OFFLINE = ("--no-deps", "--no-index")


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUSTSVC_", "PYTHON"))}
    env["TRUSTSVC_DOMAIN_LOOKUPS"] = "off"
    return env


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the wheel built from this tree."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "src"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(ROOT / name, source / name)
    wheels = base / "dist"
    subprocess.run(
        [*PIP, "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)],
        check=True,
        env=_clean_env(),
        cwd=base,
        timeout=300,
    )
    (wheel,) = wheels.glob("trustsvc-*.whl")
    env_dir = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The shared venv's pip installs into the fresh one (--python), console script included.
    subprocess.run(
        [*PIP, "--python", str(python), "install", "-q", *PIP_OFFLINE, str(wheel)],
        check=True,
        env=_clean_env(),
        timeout=300,
    )
    (Path(purelib) / "shared-deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return env_dir


def _trustsvc(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [venv / "bin" / "trustsvc", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_clean_env(),
        timeout=300,
        check=False,
    )


def test_the_installed_package_is_the_wheel(venv: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [venv / "bin" / "python", "-c", "import trustsvc, probes; print(trustsvc.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(),
        check=True,
    )
    assert done.stdout.startswith(str(venv))


def test_version_names_the_package_and_the_policy(venv: Path, tmp_path: Path) -> None:
    done = _trustsvc(venv, tmp_path, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("trustsvc 0.1.0 (scoring policy 20")


def test_db_upgrade_and_demo_from_another_directory(venv: Path, tmp_path: Path) -> None:
    done = _trustsvc(venv, tmp_path, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "trustsvc.db").stat().st_size > 0
    demo = _trustsvc(venv, tmp_path, "demo", "--no-serve")
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.count("https://127.0.0.1:") == 4
