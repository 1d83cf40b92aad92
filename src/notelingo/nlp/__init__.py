"""Tokenizer rules and spaCy pipelines shared by the stages."""
