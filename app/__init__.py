"""Descent Lab's Qt GUI. It shows what core/ computes and computes no math of its own."""
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
