"""save_to_disk folders detected and read with pyarrow; the WET/WARC fixtures are what tools write."""

import pytest

from samestory.read.saved_dataset import (
    SavedDatasetError,
    iter_saved_dataset,
    saved_dataset_kind,
    saved_dataset_shards,
)
from tests.input_fixtures import WET_DATE, write_saved_dataset, write_saved_dataset_dict, write_wet, write_warc

ROWS = [{"text": f"Row {i} text.", "id": f"r{i}", "meta": {"url": f"https://a.example/{i}"}} for i in range(5)]


def test_detects_dataset_and_dataset_dict(tmp_path):
    one = write_saved_dataset(tmp_path / "one", ROWS)
    both = write_saved_dataset_dict(tmp_path / "both", {"train": ROWS[:3], "test": ROWS[3:]})
    assert saved_dataset_kind(one) == "dataset"
    assert saved_dataset_kind(both) == "dataset_dict"
    assert saved_dataset_kind(both / "train") == "dataset"


@pytest.mark.parametrize("files", [
    {},                                                       # an empty folder
    {"state.json": '{"_data_files": []}'},                    # no dataset_info.json
    {"state.json": "not json", "dataset_info.json": "{}"},
    {"state.json": '{"other": 1}', "dataset_info.json": "{}"},
    {"dataset_dict.json": '{"splits": "train"}'},
    {"data-00000-of-00001.arrow": "x"},                       # shards alone are not a dataset
])
def test_other_folders_are_not_datasets(tmp_path, files):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert saved_dataset_kind(tmp_path) is None
    assert saved_dataset_kind(tmp_path / "missing") is None


def test_reads_rows_in_shard_order(tmp_path):
    folder = write_saved_dataset(tmp_path / "ds", ROWS, shards=3)
    assert [p.name for _, p in saved_dataset_shards(folder)] == [f"data-0000{i}-of-00003.arrow" for i in range(3)]
    got = list(iter_saved_dataset(folder, batch_rows=2))
    assert [(split, n) for split, n, _ in got] == [("", n) for n in range(1, 6)]
    assert [row for _, _, row in got] == ROWS


def test_reads_every_split_in_listed_order(tmp_path):
    folder = write_saved_dataset_dict(tmp_path / "dd", {"train": ROWS[:3], "test": ROWS[3:]})
    got = [(split, n, row["id"]) for split, n, row in iter_saved_dataset(folder)]
    assert got == [("train", 1, "r0"), ("train", 2, "r1"), ("train", 3, "r2"), ("test", 1, "r3"), ("test", 2, "r4")]


def test_missing_and_broken_shards_are_one_line_errors(tmp_path):
    folder = write_saved_dataset(tmp_path / "ds", ROWS, shards=2)
    (folder / "data-00001-of-00002.arrow").write_bytes(b"not arrow at all")
    rows = []
    with pytest.raises(SavedDatasetError, match="broken Arrow shard data-00001-of-00002.arrow") as err:
        for item in iter_saved_dataset(folder):
            rows.append(item)
    assert len(rows) == 3 and "\n" not in str(err.value)  # rows before the break are kept
    (folder / "data-00001-of-00002.arrow").unlink()
    with pytest.raises(SavedDatasetError, match="lists data-00001-of-00002.arrow, which is missing"):
        saved_dataset_shards(folder)


def test_a_listed_file_outside_the_folder_is_refused(tmp_path):
    folder = write_saved_dataset(tmp_path / "ds", ROWS)
    (folder / "state.json").write_text('{"_data_files": [{"filename": "../secret.arrow"}]}')
    with pytest.raises(SavedDatasetError, match="invalid data file"):
        saved_dataset_shards(folder)


def test_reads_what_datasets_itself_writes(tmp_path):
    datasets = pytest.importorskip("datasets", reason="datasets not installed; the hand-built fixture covers the layout")
    ds = datasets.Dataset.from_list(ROWS).shuffle(seed=1)  # an indices mapping, flattened by save_to_disk
    ds.save_to_disk(str(tmp_path / "real"))
    datasets.DatasetDict({"train": ds, "test": ds.select([0])}).save_to_disk(str(tmp_path / "real_dict"))
    assert [row for _, _, row in iter_saved_dataset(tmp_path / "real")] == ds.to_list()
    assert [split for split, _, _ in iter_saved_dataset(tmp_path / "real_dict")] == ["train"] * 5 + ["test"]


def test_wet_fixture_has_common_crawl_layout(tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    path = write_wet(tmp_path / "x.warc.wet.gz", [("https://a.example/1", "Title\nBody one."), ("https://b.example/2", "Zwei.")])
    with open(path, "rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers.get_header("WARC-Date"),
                    r.rec_headers.get_header("Content-Type"), r.content_stream().read().decode()) for r in ArchiveIterator(fh)]
    assert [r[0] for r in records] == ["warcinfo", "conversion", "conversion"]
    assert records[1][1:] == ("https://a.example/1", WET_DATE, "text/plain", "Title\nBody one.")
    assert records[2][4] == "Zwei."


def test_warc_fixture_keeps_status(tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    path = write_warc(tmp_path / "x.warc.gz", [("https://a.example/", "200 OK", "text/html", "<p>x</p>"),
                                               ("https://a.example/gone", "404 Not Found", "text/html", "<p>gone</p>")])
    with open(path, "rb") as fh:
        got = [(r.rec_type, r.http_headers.get_statuscode()) for r in ArchiveIterator(fh)]
    assert got == [("response", "200"), ("response", "404")]


def test_dataset_folders_as_arguments_and_inside_folders(tmp_path):
    from samestory.read import iter_documents

    write_saved_dataset(tmp_path / "crawl" / "one", ROWS[:2])
    write_saved_dataset_dict(tmp_path / "crawl" / "sub" / "dd", {"train": ROWS[2:4], "test": ROWS[4:]})
    (tmp_path / "crawl" / "note.txt").write_text("A plain note with a few words in it.")
    ids = [d.doc_id for d in iter_documents([tmp_path / "crawl"])]
    assert ids == ["note.txt", "one#r0", "one#r1", "sub/dd/train#r2", "sub/dd/train#r3", "sub/dd/test#r4"]
    direct = [(d.doc_id, d.url) for d in iter_documents([tmp_path / "crawl" / "sub" / "dd"])]
    assert direct == [("dd/train#r2", "https://a.example/2"), ("dd/train#r3", "https://a.example/3"),
                      ("dd/test#r4", "https://a.example/4")]
