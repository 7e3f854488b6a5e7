"""Batchsheet: accounting import batches prepared in Excel, validated, exported right first time."""

__version__ = "0.1.0"
