"""Reading an article into units: sentences and entities (spaCy), the shared parse, sentence vectors."""
