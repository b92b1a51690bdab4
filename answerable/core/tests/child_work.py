"""Functions the tests of `core.limited` run in its child process: they must be importable.

Each writes the child's process id to a file first, so a test can check it is gone.
"""

import os
import time
from collections.abc import Iterator
from pathlib import Path

from django.core.exceptions import ValidationError


def _note_pid(pid_file: str) -> None:
    Path(pid_file).write_text(str(os.getpid()))


def sleep_then_answer(pid_file: str, seconds: float) -> str:
    _note_pid(pid_file)
    time.sleep(seconds)
    return "answer"


def take_memory(pid_file: str, megabytes: int) -> int:
    _note_pid(pid_file)
    return len(bytearray(megabytes * 1024 * 1024))


def refuse(pid_file: str, name: str) -> None:
    _note_pid(pid_file)
    raise ValidationError(f"Row 3 of {name} has more cells than the header row", code="extra")


def fail(pid_file: str) -> None:
    _note_pid(pid_file)
    raise KeyError("a bug")


def items(pid_file: str, count: int, pause: float) -> tuple[str, Iterator[int]]:
    _note_pid(pid_file)

    def generate() -> Iterator[int]:
        for number in range(count):
            time.sleep(pause)
            yield number

    return "head", generate()


def items_then_refuse(pid_file: str, count: int) -> tuple[str, Iterator[int]]:
    _note_pid(pid_file)

    def generate() -> Iterator[int]:
        yield from range(count)
        raise ValidationError(f"Row {count} is wrong", code="bad_row")

    return "head", generate()
