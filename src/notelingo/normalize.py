"""Normalize: ``Post`` objects -> clean ``Note`` objects (contract; implemented by the normalize stage).

``normalize_posts(posts) -> NormalizeResult(notes, duplicates_dropped, paragraphs_dropped)``
"""
