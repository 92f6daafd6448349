"""Company exports -> a salesflow dataset folder (``salesflow import``).

One module per job: :mod:`.text` (bytes -> text, encodings), :mod:`.delimited` (CSV/TSV,
XLSX, Parquet -> text cells), :mod:`.numbers` and :mod:`.dates` (cell parsers),
:mod:`.columns` (synonyms), :mod:`.recognise` (which table a file is), :mod:`.mapping` (the
editable ``mapping.toml``), :mod:`.convert` (typed fields), :mod:`.returns`, :mod:`.sales`
and :mod:`.master` (the tables, with stated defaults), :mod:`.defaults` (``[import]``) and
:mod:`.importer` (the whole import, written atomically).
"""

from __future__ import annotations

from salesflow.data.importing.defaults import ImportDefaults, read_defaults
from salesflow.data.importing.importer import ImportResult, import_files
from salesflow.data.importing.mapping import FileMapping, read_mapping

__all__ = ["FileMapping", "ImportDefaults", "ImportResult", "import_files", "read_defaults",
           "read_mapping"]
