"""House rule: core/ is numpy only; importing it and all its submodules loads no Qt."""
import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import core
for m in pkgutil.walk_packages(core.__path__, 'core.'):
    importlib.import_module(m.name)
qt = {'PySide6', 'pyqtgraph', 'shiboken6', 'PyQt5', 'PyQt6'}
print(' '.join(sorted({k.split('.')[0] for k in sys.modules} & qt)))
"""


def test_importing_core_loads_no_qt():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core pulled in: {out.stdout.strip()}"


def test_training_names_resolve_without_importing_sympy():
    code = "import sys, core; core.race; core.load_mnist; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
