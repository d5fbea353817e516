"""The window-level navigator: a tab asks "show this in the Landscape", "open this Lab page", "play this scene"
without importing another tab. Tabs register what they can show; the window owns one Navigator."""
from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from typing import Any

__all__ = ["NavigationError", "Navigator"]


class NavigationError(LookupError):
    """Nobody can show what was asked for."""


def _weak(fn: Callable | None):
    """A call-through reference that does not keep a bound method's widget alive (the window owns the navigator,
    and a strong reference back to the window or a tab would delay their deletion past Qt's)."""
    if fn is None:
        return None
    if inspect.ismethod(fn):
        return weakref.WeakMethod(fn)
    return lambda: fn


class Navigator:
    """`register(target, handler)`; `go(target, **request)` selects the tab that registered it and calls handler.

    Bound methods are held weakly: a navigator never keeps a closed window or a deleted tab alive."""

    def __init__(self, select: Callable[[str], Any] | None = None):
        self._select = _weak(select)  # the window's select_tab(key): builds and shows the tab that owns a target
        self._owners: dict[str, str] = {}
        self._handlers: dict[str, Any] = {}

    def declare(self, target: str, owner: str) -> None:
        """`owner` (a tab key) can show `target`; the tab is built on first use and then registers its handler."""
        self._owners[target] = owner

    def register(self, target: str, handler: Callable[..., Any], owner: str | None = None) -> None:
        self._handlers[target] = _weak(handler)
        if owner is not None:
            self._owners[target] = owner

    def targets(self) -> list[str]:
        return sorted(set(self._owners) | set(self._handlers))

    def go(self, target: str, **request: Any) -> Any:
        """Show `target` with `request` (e.g. go("landscape.scene", scene=...)); NavigationError if unknown."""
        owner = self._owners.get(target)
        if owner is None and target not in self._handlers:
            raise NavigationError(f"nothing can show {target!r} (known: {', '.join(self.targets()) or 'none'})")
        select = self._select() if self._select is not None else None
        if owner is not None and select is not None:
            select(owner)  # builds the tab, which registers its handler
        ref = self._handlers.get(target)
        handler = ref() if ref is not None else None
        if handler is None:
            raise NavigationError(f"the {owner} tab did not register {target!r} (or it was closed)")
        return handler(**request)
