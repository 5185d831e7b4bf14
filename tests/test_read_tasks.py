"""Read tasks: whatever the split, the documents of the tasks in order are those of one reader.

Each test compares the tasks' documents (every field) with `iter_documents` reading every
file whole, which is the 0.2 reader (the planner only decides where parts start).
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import pickle
import random
from pathlib import Path

import pyarrow as pa
import pytest

from samestory.read import (
    ReadOutcome, families_to_resolve, id_keys, iter_documents, iter_record_documents, number_read_tasks,
    plan_read_tasks, read_plan, read_task, record_tasks, renamed_ids, rows_in_families, scan_read_task, unique_id,
    void_tasks,
)
from samestory.read import tasks as tasks_module
from samestory.read.rows import iter_record_input
from samestory.read.tasks import Entry, JsonlPart, ParquetPart, WarcPart

from .read_corpus import build, jsonl_lines, pretty_inside, text, warc_records
from .read_pool import read_in_pool

LIMIT = 20_000  # max_document_bytes: the long line and some pages are "too large" rows
SIZES = (37, 200, 1000, 5000)


class Read:
    max_document_bytes = LIMIT
    field_keys = tasks_module.FieldKeys()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("corpus")
    build(root / "one")
    (root / "two").mkdir()  # the same relative path under a second input folder: ~2 ids
    (root / "two" / "feed.jsonl").write_text("\n".join(jsonl_lines()[:5]) + "\n", encoding="utf-8")
    return [root / "one", root / "two"]


def whole(paths, limit=LIMIT):
    return list(iter_documents(paths, limit))


def split(paths, target, limit=LIMIT):
    """Plan, scan, number and read every task here, dropping void tasks; ids not yet unique."""
    read = Read()
    read.max_document_bytes = limit
    tasks = read_plan(paths, read, (), target)
    outcomes, documents = {}, {}
    for task in tasks:
        outcomes[task.index] = ReadOutcome()
        documents[task.index] = list(read_task(task, read, outcomes[task.index]))
    voided = void_tasks(tasks, outcomes)
    return tasks, voided, [d for t in tasks if t.index not in voided for d in documents[t.index]]


def made_unique(documents):
    seen: set[str] = set()
    for d in documents:
        d.doc_id = unique_id(d.doc_id, seen)
    return documents


@pytest.mark.parametrize("target", SIZES)
def test_every_split_reads_what_one_reader_reads(corpus, target):
    tasks, _, documents = split(corpus, target)
    assert made_unique(documents) == whole(corpus)
    assert len(tasks) > len(plan_read_tasks(corpus, None, (), None))


def test_tiny_parts_split_every_format(corpus):
    tasks = read_plan(corpus, Read(), (), 37)
    parts = {(type(item).__name__, Path(item.path).name) for t in tasks for item in t.items if not isinstance(item, Entry)}
    for kind, name in [("JsonlPart", "feed.jsonl"), ("JsonlPart", "crlf.jsonl"), ("JsonlPart", "bom.json"),
                       ("ParquetPart", "rows.parquet"), ("WarcPart", "crawl.warc"), ("WarcPart", "crawl.warc.gz"),
                       ("WarcPart", "crawl.warc.wet.gz")]:
        assert (kind, name) in parts
    wholes = {Path(item.path).name for t in tasks for item in t.items if isinstance(item, Entry)}
    # gzip streams, arrays, files without records, broken or single-member WARC files: whole
    assert {"zipped.jsonl.gz", "truncated.jsonl.gz", "array.json", "empty.jsonl", "cut.warc", "whole.warc.gz",
            "inside.warc", "notext.parquet", "saved"} <= wholes
    # a line longer than a part: the parts inside it own no line and read nothing
    feed = [t for t in tasks if isinstance(t.items[0], JsonlPart) and t.items[0].path.endswith("one/feed.jsonl")]
    assert sum(1 for t in feed if not list(read_task(t, Read()))) > 10


def test_part_numbers_continue_the_file(corpus):
    _, _, documents = split(corpus, 200)
    ids = {d.doc_id: d for d in made_unique(documents)}
    assert "not valid JSON" in ids["feed.jsonl#19"].reason and "lines 19-20" in ids["feed.jsonl#19"].reason
    assert "feed.jsonl#16.2" in ids and "crlf.jsonl#16.2" in ids  # an array's item at line 16
    assert "is not a JSON object" in ids["feed.jsonl#25"].reason
    rows = [d.doc_id for d in documents if d.doc_id.startswith("rows.parquet#")]
    assert rows[:3] == ["rows.parquet#1", "rows.parquet#q1", "rows.parquet#q2"] and "rows.parquet#37" in rows
    warc = [d.doc_id for d in documents if d.doc_id.startswith("crawl.warc#")]
    # the record without a URI: its number in the whole file (after a warcinfo and a request record)
    assert "crawl.warc#record-8" in warc and "crawl.warc#record-8" in {d.doc_id for d in whole(corpus)}


def test_a_boundary_inside_a_multiline_value_voids_the_later_parts(tmp_path):
    (tmp_path / "pretty.jsonl").write_text(pretty_inside(), encoding="utf-8")
    reference = whole([tmp_path])
    for target in range(40, 400, 23):
        tasks, voided, documents = split([tmp_path], target)
        assert made_unique(documents) == reference, target
    tasks, voided, _ = split([tmp_path], 60)
    assert voided and all(isinstance(tasks[i].items[0], JsonlPart) for i in voided)


def test_a_pretty_printed_object_file_is_planned_whole(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"text": text(1, words=400), "title": "T"}, indent=2))
    tasks = plan_read_tasks([path], None, (), 100)
    assert [type(item) for t in tasks for item in t.items] == [Entry]
    assert made_unique(split([path], 100)[2]) == whole([path])


def test_a_record_line_inside_a_page_makes_the_warc_whole(corpus):
    tasks = read_plan([corpus[0] / "inside.warc"], Read(), (), 200)
    assert [type(item) for t in tasks for item in t.items] == [Entry]


def test_gzip_warc_near_its_budget_is_read_whole(tmp_path):
    # pages of one letter compress ~1000x: the budget (200x the file) runs out mid-file
    pages = [(f"https://b.example/{i}", "200 OK", "text/html", "<p>" + "a" * 100_000 + "</p>") for i in range(120)]
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(warc_records(pages, gz_each=True))
    reference = whole([path], 200_000)
    assert "budget" in reference[-1].reason
    tasks, _, documents = split([path], 500, 200_000)
    assert made_unique(documents) == reference
    assert [type(item) for t in tasks for item in t.items] == [Entry]


def test_plain_parquet_parts_and_a_corrupt_row_group(tmp_path):
    path = tmp_path / "rows.parquet"
    texts = [text(i, words=200) for i in range(30)]
    pa_table = pa.table({"text": texts})
    import pyarrow.parquet as pq

    pq.write_table(pa_table, path, row_group_size=10, compression="snappy")
    column = pq.ParquetFile(path).metadata.row_group(1).column(0)
    data = bytearray(path.read_bytes())
    start, end = column.dictionary_page_offset + 30, column.data_page_offset - 10
    data[start:end] = b"\xff" * (end - start)
    path.write_bytes(bytes(data))
    tasks, _, documents = split([path], 100)
    assert [type(t.items[0]) for t in tasks] == [ParquetPart] * 3
    assert made_unique(documents) == whole([path])
    assert "rows 11-20" in [d for d in documents if d.kind == "rejected"][0].reason


def test_the_planner_reads_no_record(tmp_path, monkeypatch):
    """Planning a 4 GB file costs the same whatever it holds: a stat, and the head of a JSON file."""
    big = {}
    for name, head in (("a.jsonl", b'{"text": "x"}\n'), ("b.jsonl", b'{"id": 1, "text": "' + b"y" * 5000),
                       ("c.warc.gz", b""), ("d.warc", b"WARC/1.0\r\n")):
        path = tmp_path / name
        with open(path, "wb") as fh:
            fh.write(head)
            fh.truncate(4 << 30)  # sparse: no disk used
        big[name] = path
    read_bytes = []
    real_open = open

    class Counting:
        def __init__(self, fh):
            self.fh = fh

        def read(self, n=-1):
            data = self.fh.read(n)
            read_bytes.append(len(data))
            return data

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(tasks_module, "open", lambda *a, **k: Counting(real_open(*a, **k)), raising=False)
    tasks = plan_read_tasks([tmp_path], None, (), 64 << 20)
    assert sum(read_bytes) <= 2 * tasks_module.JSON_PEEK_BYTES  # the two JSON heads
    cuts = {}
    for t in tasks:
        (item,) = t.items
        cuts.setdefault(Path(item.path).name, []).append(item.start)
    assert len(cuts["a.jsonl"]) == 64 and cuts["a.jsonl"] == cuts["b.jsonl"] == cuts["c.warc.gz"] == cuts["d.warc"]
    last_parts = [t for t in tasks if t.items[0].part == t.items[0].parts - 1]
    assert all(t.needs_scan for t in tasks if t not in last_parts)
    assert [t.needs_scan for t in last_parts] == [False, False, True, True]  # a WARC part's scan finds its first record


def test_the_same_file_twice_is_read_once_with_a_note(tmp_path, caplog):
    (tmp_path / "a.txt").write_text(text(1))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(text(2))
    os.symlink(tmp_path / "a.txt", tmp_path / "sub" / "c.txt")
    with caplog.at_level(logging.WARNING, logger="samestory"):
        ids = [d.doc_id for d in iter_documents([tmp_path, tmp_path / "sub" / "b.txt", tmp_path / "a.txt"])]
    assert ids == ["a.txt", "sub/b.txt"]  # c.txt is a.txt; the two later arguments were read already
    assert any("already read under an earlier path, read once" in r.message for r in caplog.records)


def test_tasks_pickle_small_and_read_in_a_process_pool(corpus):
    tasks = read_plan(corpus, Read(), (), 1000)
    assert max(len(pickle.dumps(t)) for t in tasks) < 2000  # descriptions, never data
    assert read_in_pool(corpus, Read(), target_bytes=1000, workers=2) == [
        (d.doc_id, d.kind, d.reason, d.content) for d in whole(corpus)]


# --- ids made unique without every id in the driver ------------------------------------------


def sequential(ids):
    seen: set[str] = set()
    return [unique_id(i, seen) for i in ids]


def by_families(task_ids: list[list[str]]) -> list[str]:
    keys = [id_keys(ids) for ids in task_ids]
    families = families_to_resolve([k[0] for k in keys], [k[1] for k in keys])
    rows = ((t, r, task_ids[t][r]) for t, (_, roots) in enumerate(keys) for r in rows_in_families(roots, families))
    renames = renamed_ids(((t, int(r)), doc_id) for t, r, doc_id in rows)
    return [renames.get((t, r), doc_id) for t, ids in enumerate(task_ids) for r, doc_id in enumerate(ids)]


def test_family_renames_equal_the_sequential_rule():
    rng = random.Random(7)
    alphabet = ["a", "a~2", "a~2~2", "a~3", "b", "b~10", "a~", "c~x", "d#1", "d#1~2", "e"]
    for _ in range(300):
        ids = [rng.choice(alphabet) for _ in range(rng.randint(0, 30))]
        cuts = sorted(rng.sample(range(len(ids) + 1), k=min(len(ids) + 1, rng.randint(1, 5))))
        task_ids = [ids[i:j] for i, j in zip([0] + cuts, cuts + [len(ids)])]
        assert by_families(task_ids) == sequential(ids), ids
    assert sequential(["a", "a", "a~2"]) == ["a", "a~2", "a~2~2"]  # a natural id ending in ~2
    assert by_families([["a"], ["a"], ["a~2"]]) == ["a", "a~2", "a~2~2"]


def test_a_hash_collision_renames_nothing_wrong(monkeypatch):
    from samestory.read import unique

    monkeypatch.setattr(unique, "_hash", lambda text: 1)  # every id collides with every other
    ids = ["x", "y", "x", "x~2", "z"]
    assert by_families([ids[:2], ids[2:]]) == sequential(ids)


# --- records given in memory -----------------------------------------------------------------


def test_record_tasks_give_the_records_of_the_api(tmp_path):
    rows = [{"id": f"i{i % 5}", "text": text(i)} for i in range(23)] + [{"text": text(99)}, "not a dict"]
    table = pa.Table.from_pylist(rows[:-1])
    for records in (rows, table, table.to_pandas(), iter(rows)):
        expected = [d for d in iter_record_input(records if not hasattr(records, "__next__") else iter(rows))]
        tasks = list(record_tasks(records, rows_per_task=4))
        assert [t.index for t in tasks] == list(range(len(tasks)))
        got = [d for t in tasks for d in read_task(pickle.loads(pickle.dumps(t)))]
        assert got == expected
    assert len(pickle.dumps(list(record_tasks(table, rows_per_task=4))[1])) < 4000  # the slice, not the table
    assert [d.doc_id for d in iter_record_documents(rows)][:7] == [
        "records#i0", "records#i1", "records#i2", "records#i3", "records#i4", "records#i0~2", "records#i1~2"]


def test_record_tasks_let_the_callers_error_through():
    def records():
        yield {"text": text(1)}
        raise RuntimeError("the caller's source broke")

    with pytest.raises(RuntimeError, match="source broke"):
        list(record_tasks(records()))


def test_numbering_needs_every_scan(corpus):
    tasks = plan_read_tasks(corpus, None, (), 1000)
    with pytest.raises(ValueError):
        list(read_task(next(t for t in tasks if isinstance(t.items[0], JsonlPart)), Read()))
    scans = {t.index: scan_read_task(t, Read()) for t in tasks if t.needs_scan}
    numbered = number_read_tasks(tasks, scans, Read())
    assert not any(t.needs_scan for t in numbered)
    assert number_read_tasks(numbered, {}, Read()) == numbered


def test_gzip_and_broken_json_files_stay_whole_and_identical(tmp_path):
    lines = jsonl_lines()
    good = gzip.compress(("\n".join(lines) + "\n").encode())
    (tmp_path / "t.jsonl.gz").write_bytes(good[: len(good) // 2])
    (tmp_path / "bad.jsonl").write_text("{\n" + "\n".join(lines) + "\n")  # an unclosed object at the top
    (tmp_path / "tail.jsonl").write_text("\n".join(lines) + '\n{"text": "cut')
    reference = whole([tmp_path])
    for target in (10, 99, 500):
        assert made_unique(split([tmp_path], target)[2]) == reference
    assert json.loads(json.dumps([d.doc_id for d in reference]))  # ids are plain text


@pytest.mark.parametrize("body", [b"a" * 100_000, bytes(range(256)) * 40, b""])
def test_gzip_members_stream_equals_gzip_and_knows_member_starts(tmp_path, body):
    from samestory.read.warc_parts import GzipMembers

    members = [gzip.compress(body + str(i).encode()) for i in range(30)]
    path = tmp_path / "m.gz"
    path.write_bytes(b"".join(members))
    stream = GzipMembers(path, len(members[0]))  # from the second member on
    out = bytearray()
    buffer = bytearray(65536)
    while n := stream.readinto(buffer):
        out += buffer[:n]
    stream.close()
    assert bytes(out) == gzip.decompress(b"".join(members[1:]))
    stream = GzipMembers(path, 0)
    starts, position, offset = [], 0, 0
    for i, member in enumerate(members):
        starts.append((position, offset))
        position += len(body) + len(str(i))
        offset += len(member)
    while stream.readinto(buffer):
        pass
    assert [stream.member_at(p) for p, _ in starts] == [o for _, o in starts]
