"""Protected zones (URLs, LaTeX, code, refs, terms): found, masked, restored and repaired."""
