"""Install or remove a Linux desktop-menu launcher for the current environment (XDG paths)."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from tlstudio.core.atomic import write_text

APP_ID = "io.github.tlstudio.TLStudio"
ICON_NAME = "tlstudio"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

DESKTOP_TEMPLATE = """[Desktop Entry]
Type=Application
Version=1.4
Name=TL Studio
GenericName=Transfer Learning Studio
Comment=Fine-tune pretrained language models on your own labelled text
Exec={exec} %f
TryExec={tryexec}
Icon={icon}
Terminal=false
Categories=Science;ArtificialIntelligence;
Keywords=machine learning;transformers;fine-tuning;text classification;CSV;
MimeType=text/csv;text/tab-separated-values;application/jsonl;
StartupNotify=true
StartupWMClass=tlstudio
"""


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def _icon_source(size: int | None) -> Path:
    from tlstudio.resources import resource_path

    name = "tlstudio.svg" if size is None else f"tlstudio-{size}.png"
    return resource_path("icons", "app", name)


def desktop_entry_text(exec_command: str, icon: str = ICON_NAME) -> str:
    """The ``.desktop`` file for a launcher running ``exec_command``."""
    tryexec = shlex.split(exec_command)[0]
    return DESKTOP_TEMPLATE.format(exec=exec_command, tryexec=tryexec, icon=icon)


def current_exec_command() -> str:
    """A command that starts this installation's TL Studio, whatever the PATH."""
    script = Path(sys.executable).with_name("tlstudio")
    if script.exists():
        return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m tlstudio"


def installed_paths(data_home: Path | None = None) -> list[Path]:
    """Every file :func:`install_desktop_entry` writes."""
    base = data_home or _data_home()
    icons = base / "icons" / "hicolor"
    paths = [base / "applications" / f"{APP_ID}.desktop", icons / "scalable" / "apps" / f"{ICON_NAME}.svg"]
    paths += [icons / f"{s}x{s}" / "apps" / f"{ICON_NAME}.png" for s in PNG_SIZES]
    return paths


def install_desktop_entry(data_home: Path | None = None) -> list[Path]:
    """Write the launcher and icons under ``$XDG_DATA_HOME``; return the files written."""
    paths = installed_paths(data_home)
    desktop, svg, *pngs = paths
    write_text(desktop, desktop_entry_text(current_exec_command()))
    sources = [_icon_source(None)] + [_icon_source(size) for size in PNG_SIZES]
    for target, source in zip([svg, *pngs], sources, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    _refresh_caches(data_home or _data_home())
    return paths


def uninstall_desktop_entry(data_home: Path | None = None) -> list[Path]:
    """Remove what :func:`install_desktop_entry` wrote; return the files removed."""
    removed = [p for p in installed_paths(data_home) if p.exists()]
    for path in removed:
        path.unlink()
    _refresh_caches(data_home or _data_home())
    return removed


def _refresh_caches(base: Path) -> None:
    """Best effort: tell the desktop about the change (tools may be absent)."""
    import subprocess

    for cmd in (["update-desktop-database", str(base / "applications")],
                ["gtk-update-icon-cache", "-q", "-t", str(base / "icons" / "hicolor")]):
        if shutil.which(cmd[0]) and Path(cmd[-1]).exists():
            subprocess.run(cmd, check=False, capture_output=True, timeout=30)
