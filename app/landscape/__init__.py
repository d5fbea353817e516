"""The Landscape tab: optimizers race across 2-D loss surfaces (CS231n lecture 7's animations, live).

`model` is Qt-free (importing it loads no Qt); `controller` races core's methods on a surface; `tab` lays out
`views/` (the surface, trails' aids, charts and the renderer that feeds them) and `panels/` (pickers, playback,
the side panel).
"""
__all__ = ["LandscapeTab"]


def __getattr__(name: str):
    # Imported on first use so that `app.landscape.model` stays importable without Qt.
    if name == "LandscapeTab":
        from app.landscape.tab import LandscapeTab

        return LandscapeTab
    raise AttributeError(f"module 'app.landscape' has no attribute {name!r}")
