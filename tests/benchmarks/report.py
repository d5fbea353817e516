"""One JSON line per figure, so runs can be compared: name, value, unit, and the peer's value where there is one."""
from __future__ import annotations

import json


def emit(name: str, value: float, unit: str, peer: str | None = None, peer_value: float | None = None,
         **extra) -> None:
    line = {"name": name, "value": round(float(value), 6), "unit": unit}
    if peer is not None:
        line["peer"] = peer
        line["peer_value"] = round(float(peer_value), 6)
        if peer_value:
            line["ratio"] = round(float(value) / float(peer_value), 4)
    line.update(extra)
    print(json.dumps(line, ensure_ascii=False), flush=True)
