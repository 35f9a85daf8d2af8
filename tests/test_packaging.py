"""The package works when installed from a wheel, away from this checkout (issue 10): it finds
the catalog and templates from the directory it is given, not from where its code lives."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig

from conftest import ENV, ROOT


def test_wheel_install_checks_the_catalog(tmp_path):
    source = tmp_path / "source"  # built from a copy: setuptools writes build/ into the source tree
    source.mkdir()
    for part in ("pyproject.toml", "README.md", "tools/xemcat"):
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, source / part)
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "--quiet", "-w", str(wheels), str(source)], capture_output=True, text=True, timeout=300,
                           env=ENV)
    assert built.returncode == 0, built.stderr
    wheel = next(wheels.glob("xemcat-*.whl"))
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
                    str(wheel)], check=True, timeout=300, env=ENV)
    work = tmp_path / "work"
    shutil.copytree(ROOT / "catalog", work / "catalog")
    shutil.copytree(ROOT / "templates", work / "templates")
    # The installed copy first; the dependencies from this environment; not the checkout's tools/.
    env = {**ENV, "PYTHONPATH": f"{target}{':'}{sysconfig.get_paths()['purelib']}", "PYTHONNOUSERSITE": "1"}
    where = subprocess.run([sys.executable, "-S", "-c", "import xemcat; print(xemcat.__file__)"], cwd=work,
                           capture_output=True, text=True, env=env, timeout=60)
    assert where.stdout.startswith(str(target)), where.stdout + where.stderr
    result = subprocess.run([sys.executable, "-S", "-m", "xemcat", "check"], cwd=work, capture_output=True,
                            text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "catalog OK" in result.stderr
    (work / "templates" / "diagnostics.html.j2").write_text("{{ broken", encoding="utf-8")
    result = subprocess.run([sys.executable, "-S", "-m", "xemcat", "check"], cwd=work, capture_output=True,
                            text=True, env=env, timeout=120)
    assert result.returncode == 1 and result.stdout.startswith("templates/diagnostics.html.j2:1: (template)")
