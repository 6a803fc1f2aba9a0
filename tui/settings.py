"""The person's preferences (the theme), kept in the config folder as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tui.locations import config_dir
from tui.store import SaveError, ensure_private_dir, write_private

SETTINGS_FILE = "settings.json"


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load_settings() -> dict[str, Any]:
    """The saved settings; an unreadable file counts as none (it is only preferences)."""
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_setting(key: str, value: Any) -> str | None:
    """Remember one setting; returns a message when it could not be saved."""
    data = load_settings()
    data[key] = value
    try:
        ensure_private_dir(settings_path().parent)
        write_private(settings_path(), json.dumps(data, indent=2).encode())
    except (SaveError, OSError) as exc:
        return str(exc)
    except Exception as exc:  # StoreError from ensure_private_dir
        return str(exc)
    return None
