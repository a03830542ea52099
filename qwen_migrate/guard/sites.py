"""Where in a program a request was sent from: the first frame of the stack outside the SDK and the HTTP
libraries, preferring the program's own code to an installed package (a framework that calls the SDK
for it) or the standard library."""
from __future__ import annotations

import linecache
import os
import site
import sys
import sysconfig
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from types import FrameType
from typing import Optional

# The packages a request passes through between the code that sends it and the guard's hook.
_SENDING_PACKAGES = ("openai", "httpx", "httpx2", "httpcore", "anyio", "sniffio")
_GUARD = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True)
class Site:
    filename: str
    line: int
    column: int  # from 1
    end_line: int
    end_column: int
    source: str  # the text of the call, as far as the interpreter tells where it ends
    module: str  # the frame's module, and its globals: where its registry of warnings shown is kept,
    module_globals: dict = field(compare=False, repr=False)  # so that a warning there shows as Python's own


def call_site(frame: Optional[FrameType]) -> Optional[Site]:
    """The call site among `frame` and its callers."""
    first_outside, sending = None, _sending_folders()
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(sending):
            first_outside = first_outside or frame
            if not _installed(filename):
                break
        frame = frame.f_back
    chosen = frame or first_outside
    return None if chosen is None else _site(chosen)


def _site(frame: FrameType) -> Site:
    line, end_line, column, end_column = frame.f_lineno, frame.f_lineno, 0, None
    # the positions of the instruction running: the call expression (none where the code was compiled without them)
    positions = next(islice(frame.f_code.co_positions(), frame.f_lasti // 2, None))
    if None not in positions:
        line, end_line, column, end_column = positions
    filename = frame.f_code.co_filename
    lines = [linecache.getline(filename, number).rstrip("\r\n") for number in range(line, end_line + 1)]
    # the interpreter counts columns in UTF-8 bytes; reports count characters
    column = _characters(lines[0], column)
    end_column = len(lines[-1]) if end_column is None else _characters(lines[-1], end_column)
    if len(lines) == 1:
        source = lines[0][column:end_column]
    else:
        source = "\n".join([lines[0][column:], *lines[1:-1], lines[-1][:end_column]])
    return Site(filename, line, column + 1, end_line, end_column + 1, source, frame.f_globals.get("__name__", ""), frame.f_globals)


def _characters(line: str, byte_offset: int) -> int:
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))


def _sending_folders() -> tuple[str, ...]:
    """The folders of the sending packages imported by now (a program may import legacy httpx late)."""
    folders = [_GUARD + os.sep]
    for name in _SENDING_PACKAGES:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None):
            folders.append(os.path.dirname(os.path.abspath(module.__file__)) + os.sep)
    return tuple(folders)


def _installed(filename: str) -> bool:
    return filename.startswith("<") or filename.startswith(_installed_folders())


@lru_cache(maxsize=None)
def _installed_folders() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    folders = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    folders.update(site.getsitepackages() if hasattr(site, "getsitepackages") else ())
    folders.add(site.getusersitepackages())  # `pip install --user`
    return tuple(os.path.abspath(folder) + os.sep for folder in folders)
