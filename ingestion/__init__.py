"""Ingestion: turn files and catalog exports into sources, sections and chunks for the indexes."""
