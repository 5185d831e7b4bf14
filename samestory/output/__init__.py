"""Outputs: the public tables (tables.py), the files of a run folder (write.py), report.html (report/)."""

from .tables import BOILERPLATE_SCHEMA, DOCUMENT_SCHEMA, PAIR_SCHEMA, boilerplate_table, documents_table, pairs_table
from .write import (
    OUTPUT_FILES, RUN_MANIFEST, OutputExistsError, UnfinishedRunError, check_finished, check_out_dir, prepare_out_dir,
    summarize, write_outputs,
)

__all__ = [
    "BOILERPLATE_SCHEMA", "DOCUMENT_SCHEMA", "OUTPUT_FILES", "OutputExistsError", "PAIR_SCHEMA", "boilerplate_table",
    "documents_table", "pairs_table", "prepare_out_dir", "summarize", "write_outputs", "RUN_MANIFEST",
    "UnfinishedRunError", "check_finished", "check_out_dir",
]
