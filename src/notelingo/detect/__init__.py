"""Language detection per note and per block."""
