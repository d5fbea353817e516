"""The window-level navigator: a tab asks "show this in the Landscape", "open this Lab page", "play this scene"
without importing another tab. Tabs register what they can show; the window owns one Navigator."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["NavigationError", "Navigator"]


class NavigationError(LookupError):
    """Nobody can show what was asked for."""


class Navigator:
    """`register(target, handler)`; `go(target, **request)` selects the tab that registered it and calls handler."""

    def __init__(self, select: Callable[[str], Any] | None = None):
        self._select = select  # the window's select_tab(key): builds and shows the tab that owns a target
        self._owners: dict[str, str] = {}
        self._handlers: dict[str, Callable[..., Any]] = {}

    def declare(self, target: str, owner: str) -> None:
        """`owner` (a tab key) can show `target`; the tab is built on first use and then registers its handler."""
        self._owners[target] = owner

    def register(self, target: str, handler: Callable[..., Any], owner: str | None = None) -> None:
        self._handlers[target] = handler
        if owner is not None:
            self._owners[target] = owner

    def targets(self) -> list[str]:
        return sorted(set(self._owners) | set(self._handlers))

    def go(self, target: str, **request: Any) -> Any:
        """Show `target` with `request` (e.g. go("landscape.scene", scene=...)); NavigationError if unknown."""
        owner = self._owners.get(target)
        if owner is None and target not in self._handlers:
            raise NavigationError(f"nothing can show {target!r} (known: {', '.join(self.targets()) or 'none'})")
        if owner is not None and self._select is not None:
            self._select(owner)  # builds the tab, which registers its handler
        handler = self._handlers.get(target)
        if handler is None:
            raise NavigationError(f"the {owner} tab did not register {target!r}")
        return handler(**request)
