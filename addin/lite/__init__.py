"""Batchsheet on xlwings Lite: the scripts of a workbook's `main.py`, run in Pyodide inside
Excel (desktop or web) with nothing installed but the Lite add-in."""
