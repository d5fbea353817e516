"""The Training tab: a from-scratch MLP learns MNIST live in a worker process.

`model` and `engines` are Qt-free (the worker process imports `engines` and so must not pay for Qt); `controller`
runs the networks, `tab` lays out `views/` and `panels/`.
"""
__all__ = ["TrainingTab"]


def __getattr__(name: str):
    # Imported on first use so that `app.training.engines` and `app.training.model` stay importable without Qt.
    if name == "TrainingTab":
        from app.training.tab import TrainingTab

        return TrainingTab
    raise AttributeError(f"module 'app.training' has no attribute {name!r}")
