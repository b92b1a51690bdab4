"""Read an uploaded file in a child process, with a time and a memory limit (issue #11).

A 729 KB workbook of 12 million empty rows once ran an import for 119 seconds and 1.2 GB
until gunicorn killed the worker. Reading a file here instead runs the reader in a process of
its own, its address space capped (`UPLOAD_PARSE_MEMORY_MB`), and stops waiting for it after
`UPLOAD_PARSE_SECONDS`: the child is killed and the person is told, by file name, what to do.

Children are forked from a "forkserver" that imports the readers once, so a read costs a fork
(tens of milliseconds), not a new interpreter, and is safe from a threaded server. A reader
run here must not touch the database and has no Django settings: the ValidationErrors it
raises (bad CSV, too many rows, a damaged workbook) reach the caller unchanged, so their
messages are plain text, as `answerable.core.tables` writes them.
"""

import gc
import io
import multiprocessing
import os
import resource
import time
import traceback
import weakref
from collections.abc import Callable, Generator, Iterator
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerProcess, set_spawning_popen
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

T = TypeVar("T")
Item = TypeVar("Item")

# Rows sent from the child to the reader at a time: few enough messages to be cheap, small
# enough that the reader starts at once.
BATCH = 500

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["answerable.core.limited", "answerable.core.tables"])


class _Popen(popen_forkserver.Popen):
    """Start a child without running the parent's main script in it again.

    multiprocessing runs the script (manage.py, gunicorn's, pytest's) in each child so that
    functions defined there can be found; ours live in modules, and running the script
    would cost each read the time of starting the program, or start it twice. This is
    `popen_forkserver.Popen._launch` of Python 3.11 less that part: compare it on an upgrade
    (`core/tests/test_limited.py` fails if a child cannot start).
    """

    def _launch(self, process_obj: Any) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)  # type: ignore[attr-defined]
        _parent_w = os.dup(w)
        close_fds = util.close_fds  # type: ignore[attr-defined]
        self.finalizer = util.Finalize(self, close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Process(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> _Popen:
        return _Popen(process_obj)


class _Failed:
    """An exception from the child that could not be sent as itself."""

    def __init__(self, text: str) -> None:
        self.text = text


def too_slow(name: str) -> ValidationError:
    return ValidationError(
        _(
            "The file %(name)s took too long to read (or needed too much memory). Check it is "
            "the right file, delete any empty rows at its end, save it again and upload it"
        )
        % {"name": name},
        code="parse_limit",
    )


def run_limited(function: Callable[..., T], *args: Any, name: str) -> T:
    """Return `function(*args)` run in a child process; raise `too_slow(name)` if it is
    stopped for taking longer or more memory than the settings allow.

    The function, its arguments and its result must pickle; the function must be importable.
    """
    with _Child(_run, function, args) as child:
        return child.receive(name, deadline=time.monotonic() + _seconds())


def stream_limited(
    function: Callable[..., tuple[T, Iterator[Item]]], *args: Any, name: str
) -> tuple[T, Generator[Item, None, None]]:
    """Run `function(*args)`, which returns a head and an iterator, in a child process.

    Return the head and a generator of the iterator's items, which the child reads ahead in
    batches. The time limit counts only the time spent waiting for the child, so a caller
    that writes each item takes as long as it needs. Close the generator, or drop it, to
    stop the child.
    """
    child = _Child(_stream, function, args)
    try:
        budget = _Budget(_seconds())
        head = budget.wait(child, name)
    except BaseException:
        child.stop()
        raise
    items = _items(child, budget, name)
    weakref.finalize(items, child.stop)  # a generator dropped before it starts
    return head, items


def _items(child: "_Child", budget: "_Budget", name: str) -> Generator[Any, None, None]:
    try:
        while batch := budget.wait(child, name):
            yield from batch
    finally:
        child.stop()


def _seconds() -> float:
    return float(settings.UPLOAD_PARSE_SECONDS)


class _Budget:
    def __init__(self, seconds: float) -> None:
        self.left = seconds

    def wait(self, child: "_Child", name: str) -> Any:
        started = time.monotonic()
        try:
            return child.receive(name, deadline=started + self.left)
        finally:
            self.left -= time.monotonic() - started


class _Child:
    def __init__(self, target: Callable[..., None], function: Callable[..., Any], args: Any):
        self.connection, theirs = _context.Pipe(duplex=False)
        memory = int(settings.UPLOAD_PARSE_MEMORY_MB) * 1024 * 1024
        self.process = _Process(target=target, args=(theirs, memory, function, args), daemon=True)
        self.stopped = False
        self.process.start()
        theirs.close()

    def __enter__(self) -> "_Child":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def receive(self, name: str, *, deadline: float) -> Any:
        try:
            if not self.connection.poll(max(0.0, deadline - time.monotonic())):
                raise too_slow(name)
            outcome, value = self.connection.recv()
        except (EOFError, OSError):  # killed: out of memory, or by the operating system
            raise too_slow(name) from None
        if outcome == "ok":
            return value
        if outcome == "memory":
            raise too_slow(name)
        if isinstance(value, _Failed):
            raise RuntimeError(f"Reading {name} failed in its child process:\n{value.text}")
        raise value

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.process.close()


# --- in the child -----------------------------------------------------------------------


def _run(connection: Connection, memory: int, function: Callable[..., Any], args: Any) -> None:
    _in_child(connection, memory, lambda send: send(("ok", function(*args))))


def _stream(connection: Connection, memory: int, function: Callable[..., Any], args: Any) -> None:
    def work(send: Callable[[Any], None]) -> None:
        head, items = function(*args)
        send(("ok", head))
        batch: list[Any] = []
        try:
            for item in items:
                batch.append(item)
                if len(batch) >= BATCH:
                    send(("ok", batch))
                    batch = []
        finally:  # the rows before a refusal arrive before it, as when read in place
            if batch:
                send(("ok", batch))
        send(("ok", []))

    _in_child(connection, memory, work)


def _in_child(connection: Connection, memory: int, work: Callable[..., None]) -> None:
    # The objects inherited from the server are never freed here: leaving them out of garbage
    # collection spares copying their pages, which made a 3,000-row read 35 ms slower.
    gc.freeze()
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        work(connection.send)
    except MemoryError:
        _send_failure(connection, "memory", None, "")
    except Exception as error:  # noqa: BLE001 - every error is the caller's to handle
        _send_failure(connection, "error", error, traceback.format_exc())
    finally:
        connection.close()


def _send_failure(connection: Connection, outcome: str, error: Any, text: str) -> None:
    try:
        connection.send((outcome, error))
    except MemoryError:
        pass  # the reader sees the pipe close and reports the limit
    except Exception:  # noqa: BLE001 - an exception that does not pickle
        connection.send((outcome, _Failed(text)))
