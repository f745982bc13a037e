"""The import contracts (pyproject.toml) cover what they claim to: a module added later cannot slip past them."""

import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE = Path(settings.BASE_DIR)
CONFIG = tomllib.loads((BASE / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {contract["type"]: contract for contract in CONFIG["contracts"]}


def _children(package: str) -> set[str]:
    root = BASE / package
    return {
        f"{package}.{path.stem if path.is_file() else path.name}"
        for path in root.iterdir()
        if (path.is_file() and path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }


def test_every_project_app_is_a_root_package_and_a_layer():
    project_apps = {c.name for c in apps.get_app_configs() if (BASE / c.name).is_dir()}
    assert project_apps == set(CONFIG["root_packages"])
    layered = {
        part.strip().strip("()").split(".")[0] for layer in CONTRACTS["layers"]["layers"] for part in layer.split(":")
    }
    assert project_apps == layered


def test_the_kernel_may_import_no_other_part_of_association_nor_any_app():
    kernel = next(c for c in CONFIG["contracts"] if c.get("source_modules") == ["association.kernel"])
    forbidden = set(kernel["forbidden_modules"])
    assert _children("association") - {"association.kernel"} <= forbidden
    assert set(CONFIG["root_packages"]) - {"association"} <= forbidden


def test_every_module_of_channels_log_has_a_layer_or_is_wiring_nobody_imports():
    """channels_log's jobs are sub-packages, each in a layer; its other top-level modules (and its management
    commands) are Django/Celery wiring that the forbidden contract keeps every other module from importing: none is
    left outside."""
    named = {part.strip() for layer in CONTRACTS["layers"]["layers"] for part in layer.split(":")}
    assert {"channels_log.contacts", "channels_log.cases", "channels_log.messaging"} <= named
    wiring = next(c for c in CONFIG["contracts"] if "channels_log.models" in c.get("forbidden_modules", ()))
    wiring_packages = {"channels_log.migrations", "channels_log.management"}
    sub_packages = {name for name in _children("channels_log") if (BASE / name.replace(".", "/")).is_dir()}
    assert sub_packages - wiring_packages <= named
    expected = _children("channels_log") - sub_packages | {"channels_log.management"}
    assert expected == set(wiring["forbidden_modules"])
    assert set(CONFIG["root_packages"]) - {"channels_log"} <= set(wiring["source_modules"])


def test_ignored_imports_name_only_what_step_b_removes_or_the_wiring():
    wiring = ("association.urls", "association.settings", "association.celery")
    for line in CONTRACTS["layers"].get("ignore_imports", []):
        importer = line.split("->")[0].strip()
        assert not importer.startswith("association.") or importer.startswith(wiring), line
