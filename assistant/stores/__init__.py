"""Stores behind the assistant's seams: vectors (Chroma) and keywords (BM25)."""
