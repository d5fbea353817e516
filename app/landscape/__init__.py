"""The Landscape tab: optimizers race across 2-D loss surfaces (CS231n lecture 7's animations, live).

`model` and `race` are Qt-free (importing them loads no Qt); the views (`surface_view`, `trails`,
`aids`, `charts`, `controls`, `playback`) only draw; `tab` wires them to a frame timer.
"""
__all__ = ["LandscapeTab"]


def __getattr__(name: str):
    # Imported on first use so that `app.landscape.model` stays importable without Qt.
    if name == "LandscapeTab":
        from app.landscape.tab import LandscapeTab

        return LandscapeTab
    raise AttributeError(f"module 'app.landscape' has no attribute {name!r}")
