"""The four apps stay in layers and the leaf library stays a leaf
(import-linter, also run by `make lint`), and every module of the
composition root is covered by the contracts."""

import configparser
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_every_module_of_the_composition_root_is_forbidden_to_the_apps_and_the_library():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    root_modules = {
        f"pso_site.{path.stem}"
        for path in (ROOT / "pso_site").iterdir()
        if (path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").exists()))
        and path.stem not in {"__init__", "apps", "lib"}
    }
    for contract in ("importlinter:contract:leaf-library", "importlinter:contract:composition-root"):
        forbidden = set(config[contract]["forbidden_modules"].split())
        assert root_modules <= forbidden, (contract, root_modules - forbidden)
