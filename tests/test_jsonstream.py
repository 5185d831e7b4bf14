"""JSON Lines records parsed by orjson must read exactly as the standard library reads them."""

from __future__ import annotations

import io
import json
import sys

from samestory.read import jsonstream
from samestory.read.jsonstream import iter_json_values

# lines orjson reads differently from the standard library, or refuses; each must come out as
# the standard library gives it (or as its error)
EDGE_LINES = [
    '{"a": 123456789012345678901234567890}', '{"a": -9223372036854775809}', '{"a": 18446744073709551616}',
    '{"a": 18446744073709551615}', '{"a": -9223372036854775808}', '{"a": 1e400}', '{"a": [1, {"b": 2.5}]}',
    '{"a": NaN}', '{"a": Infinity}', '{"a": "\\ud800"}', '{"a": "\\ud83d\\ude00"}', '{"a": 1, "a": 2}',
    '{"a": "x\ty"}', '{"a": 1}{"b": 2}', '{"a": 1} trailing', '{"a": 1,}', '{"a": -0}', '{"a": -0.0}',
    '{"a": 0.1, "b": 1e22}', '{"a": [[[[[[[[]]]]]]]]}', '{"a": "\u2028 \u00e9 \\u00e9"}', '{"a": 1}\r',
    "[1, 2]", '"a string"', "17", '{"a": true, "b": null, "c": false}', "{" * 3000 + "}" * 3000,
    '{"nested": ' * 400 + "1" + "}" * 400, '{"nested": ' * 1100 + "1" + "}" * 1100, '{"a":', "", "   ", '{"text": "' + "x" * 70_000 + '"}',
]


def _read(data: str, monkeypatch=None) -> list[tuple]:
    items = list(iter_json_values(io.BufferedReader(io.BytesIO(data.encode("utf-8"))), 10_000_000))
    return [(i.line, i.index, _plain(i.value), i.error, i.final) for i in items]


def _plain(value):
    """A value as JSON text, which tells 1 from 1.0 and -0.0 from 0.0, and keeps key order."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(10_000)  # the 1100-deep line, which the standard library still reads
    try:
        return json.dumps(value)
    finally:
        sys.setrecursionlimit(limit)


def test_json_lines_read_the_same_with_and_without_orjson(monkeypatch):
    data = "\n".join(EDGE_LINES + [json.dumps({"id": i, "text": "w " * i}) for i in range(300)]) + "\n"
    got = _read(data)
    monkeypatch.setattr(jsonstream._Window, "decode_line_object", lambda self: jsonstream._NOT_READ)
    want = _read(data)
    assert got == want
    assert sum(1 for item in want if item[3] is None) > 300  # most lines are records


def test_orjson_takes_plain_records_and_leaves_floats_and_big_integers(monkeypatch):
    taken = []
    real = jsonstream._Window.decode_line_object

    def spy(self):
        value = real(self)
        taken.append(value is not jsonstream._NOT_READ)
        return value

    monkeypatch.setattr(jsonstream._Window, "decode_line_object", spy)
    _read('{"id": 1, "text": "x", "meta": {"n": [1, 2]}}\n{"a": 1.5}\n{"a": 123456789012345678901234567890}\n')
    assert taken == [True, False, False]
    assert not jsonstream._orjson_reads_as_json({"a": [{"b": [1, 2.0]}]})
    assert jsonstream._orjson_reads_as_json({"a": [{"b": [1, "2.0"]}]})
