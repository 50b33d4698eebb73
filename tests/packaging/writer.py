"""Loads packaging/site_config_writer.py, which is a program, not part of the package (and
`packaging` is also the name of a PyPI library, so it cannot be imported by that name)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.plugins.availability import REPO_ROOT

WRITER_PATH = REPO_ROOT / "packaging" / "site_config_writer.py"


def load_writer() -> ModuleType:
    name = "zivverdesk_site_config_writer"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, WRITER_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
