"""Django on a throwaway SQLite database, media folder and signing key in
``workdir``: the benchmarks that need no server (bench/signing.py,
bench/draft.py) seed the demo there."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_in(workdir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "DJANGO_SIGNING_KEY_FILE": str(workdir / "demo-institute.p12"),
            "DJANGO_SETTINGS_MODULE": "pso_site.settings",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
