"""A regular install (a wheel: what pip install . and pipx build) ships the bundled digits and the icon."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import pathlib, sys
import core, app
from core.data import load_mnist
assert pathlib.Path(core.__file__).is_relative_to(sys.argv[1]), core.__file__  # the wheel's copy, not the checkout
data = load_mnist("bundled")
assert (data.n_train, data.n_val) == (8000, 2000), (data.n_train, data.n_val)
assert (app.ASSETS / "icon.svg").is_file()
print("ok", data.n_train + data.n_val)
"""


def test_a_wheel_carries_the_bundled_digits_and_the_icon(tmp_path):
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(wheels.glob("descent_lab-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", CHECK, str(target)], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok 10000"
