"""Park workbooks in and out: a folder of CSV files, one XLSX, or JSON."""

from parkloop.io.read import read_workbook
from parkloop.io.validate import validate_workbook
from parkloop.io.write import WorkbookFormat, write_workbook

__all__ = ["WorkbookFormat", "read_workbook", "validate_workbook", "write_workbook"]
