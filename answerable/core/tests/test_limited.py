"""Reading in a child process with a time and memory limit (issue #11, Medium 3)."""

import multiprocessing
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from answerable.core.limited import run_limited, stream_limited
from answerable.core.tests import child_work

REFUSAL = (
    "The file big.xlsx took too long to read (or needed too much memory). Check it is the "
    "right file, delete any empty rows at its end, save it again and upload it"
)


@pytest.fixture
def pid_file(tmp_path):
    return str(tmp_path / "pid")


def assert_child_gone(pid_file: str) -> None:
    pid = int(Path(pid_file).read_text())
    assert not Path(f"/proc/{pid}").exists(), f"child {pid} is still running"
    assert multiprocessing.active_children() == []


def test_a_read_longer_than_the_limit_is_refused_by_name_and_its_child_killed(settings, pid_file):
    settings.UPLOAD_PARSE_SECONDS = 0.5
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        run_limited(child_work.sleep_then_answer, pid_file, 30, name="big.xlsx")
    assert time.monotonic() - started < 5
    assert refused.value.messages == [REFUSAL]
    assert refused.value.code == "parse_limit"
    assert_child_gone(pid_file)


def test_a_read_needing_more_memory_than_the_limit_is_refused(settings, pid_file):
    settings.UPLOAD_PARSE_MEMORY_MB = 256
    with pytest.raises(ValidationError) as refused:
        run_limited(child_work.take_memory, pid_file, 1024, name="big.xlsx")
    assert refused.value.messages == [REFUSAL]
    assert_child_gone(pid_file)


def test_a_read_within_the_limits_returns_its_result(settings, pid_file):
    settings.UPLOAD_PARSE_SECONDS = 10
    assert run_limited(child_work.sleep_then_answer, pid_file, 0, name="a.csv") == "answer"
    assert run_limited(child_work.take_memory, pid_file, 64, name="a.csv") == 64 * 1024 * 1024
    assert_child_gone(pid_file)


def test_the_readers_own_refusal_arrives_unchanged(pid_file):
    with pytest.raises(ValidationError) as refused:
        run_limited(child_work.refuse, pid_file, "a.csv", name="a.csv")
    assert refused.value.messages == ["Row 3 of a.csv has more cells than the header row"]
    assert refused.value.code == "extra"
    assert_child_gone(pid_file)


def test_a_bug_in_the_reader_is_raised_as_itself(pid_file):
    with pytest.raises(KeyError, match="a bug"):
        run_limited(child_work.fail, pid_file, name="a.csv")
    assert_child_gone(pid_file)


# --- streaming ------------------------------------------------------------------------------


def test_a_stream_gives_the_head_and_every_item(pid_file):
    head, items = stream_limited(child_work.items, pid_file, 1234, 0, name="a.csv")
    assert head == "head"
    assert list(items) == list(range(1234))
    assert_child_gone(pid_file)


def test_a_stream_slower_than_the_limit_is_refused_part_way(settings, pid_file):
    settings.UPLOAD_PARSE_SECONDS = 0.5
    head, items = stream_limited(child_work.items, pid_file, 100, 0.05, name="big.xlsx")
    with pytest.raises(ValidationError) as refused:
        list(items)
    assert refused.value.messages == [REFUSAL]
    assert_child_gone(pid_file)


def test_the_time_the_caller_spends_on_the_items_does_not_count(settings, pid_file):
    """The workforce import writes each row as it comes: only waiting for the file counts."""
    settings.UPLOAD_PARSE_SECONDS = 0.5
    _, items = stream_limited(child_work.items, pid_file, 2000, 0, name="a.csv")
    for number in items:
        if number % 500 == 0:
            time.sleep(0.3)
    assert_child_gone(pid_file)


def test_a_refusal_part_way_through_a_stream_arrives_unchanged_after_the_rows(pid_file):
    _, items = stream_limited(child_work.items_then_refuse, pid_file, 700, name="a.csv")
    seen: list[int] = []
    with pytest.raises(ValidationError) as refused:
        seen.extend(items)  # keeps what came before the refusal
    assert seen == list(range(700))
    assert refused.value.messages == ["Row 700 is wrong"]
    assert_child_gone(pid_file)


def test_a_stream_closed_or_dropped_before_its_end_stops_its_child(pid_file):
    _, items = stream_limited(child_work.items, pid_file, 10**9, 0, name="a.csv")
    next(items)
    items.close()
    assert_child_gone(pid_file)
    _, items = stream_limited(child_work.items, pid_file, 10**9, 0, name="a.csv")
    del items  # never started: only its finaliser can stop the child
    assert_child_gone(pid_file)
