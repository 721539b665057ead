"""Analysis stages, grouped the way the report's sections are.

- ``reading``     sentences and entities, the shared parse, sentence vectors;
- ``claims``      claims across outlets, alignment, coverage, independent support, the summary;
- ``wording``     framing, judgement-laden words, entities across outlets, damaged text;
- ``provenance``  copied passages, syndication, cited sources;
- ``details``     numbers, quotes, dates and the timeline.

Each stage is a plain function decorated with ``parallax.stage.stage``, declaring
what it reads and writes; ``parallax.pipeline`` lists them in order.
"""
