"""Notes: posts read -> clean notes (one per post or paper)."""
