"""Tiny inputs in the layouts other tools write, built in tmp folders (no big files in the repo).

- `write_saved_dataset` / `write_saved_dataset_dict`: what `datasets` `save_to_disk` writes
  (Arrow IPC stream shards, state.json, dataset_info.json, dataset_dict.json), with pyarrow;
- `write_wet`: a Common Crawl `.warc.wet.gz` (a warcinfo record, then one `conversion`
  record per page, text/plain, gzipped per record), with warcio;
- `write_warc`: HTTP response records with a status and content type, with warcio.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

WET_DATE = "2024-02-20T01:02:03Z"


def write_saved_dataset(folder: Path, rows: list[dict], shards: int = 1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(rows)
    per = -(-len(rows) // shards) if rows else 0
    names = []
    for i in range(shards):
        name = f"data-{i:05d}-of-{shards:05d}.arrow"
        part = table.slice(i * per, per)
        with ipc.new_stream(str(folder / name), table.schema) as writer:
            writer.write_table(part)
        names.append({"filename": name})
    state = {"_data_files": names, "_fingerprint": "0123456789abcdef", "_format_columns": None,
             "_format_kwargs": {}, "_format_type": None, "_output_all_columns": False, "_split": None}
    (folder / "state.json").write_text(json.dumps(state, indent=2))
    features = {f.name: {"dtype": str(f.type), "_type": "Value"} for f in table.schema}
    (folder / "dataset_info.json").write_text(json.dumps({"citation": "", "description": "", "features": features}))
    return folder


def write_saved_dataset_dict(folder: Path, splits: dict[str, list[dict]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in splits.items():
        write_saved_dataset(folder / name, rows)
    (folder / "dataset_dict.json").write_text(json.dumps({"splits": list(splits)}))
    return folder


def write_wet(path: Path, pages: list[tuple[str, str]], date: str = WET_DATE) -> Path:
    """pages: (url, text). Headers as Common Crawl writes them."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.suffix == ".gz")
        info = writer.create_warcinfo_record(path.name, {"software": "test", "description": "Wet fixture"})
        writer.write_record(info)
        for n, (url, text) in enumerate(pages, start=1):
            body = text.encode("utf-8")
            headers = StatusAndHeaders("", [
                ("WARC-Type", "conversion"), ("WARC-Target-URI", url), ("WARC-Date", date),
                ("WARC-Record-ID", f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>"),
                ("WARC-Refers-To", f"<urn:uuid:10000000-0000-0000-0000-{n:012d}>"),
                ("WARC-Identified-Content-Language", "eng"),
                ("Content-Type", "text/plain"),
            ], protocol="WARC/1.0")
            record = writer.create_warc_record(url, "conversion", payload=io.BytesIO(body),
                                               length=len(body), warc_headers=headers)
            writer.write_record(record)
    return path


def write_warc(path: Path, responses: list[tuple[str, str, str, str]], date: str = WET_DATE) -> Path:
    """responses: (url, HTTP status line such as "404 Not Found", content type, body)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.suffix == ".gz")
        for url, status, ctype, body in responses:
            data = body.encode("utf-8")
            http = StatusAndHeaders(status, [("Content-Type", ctype), ("Content-Length", str(len(data)))],
                                    protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(data), http_headers=http,
                                               warc_headers_dict={"WARC-Date": date})
            writer.write_record(record)
    return path
