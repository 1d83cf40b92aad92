"""Detect: tag notes and blocks with their language (contract; implemented by the detect stage).

``detect_notes(notes, options: DetectOptions) -> list[Note]``
"""
