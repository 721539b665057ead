"""The language models under the analysis: loading them offline (``pretrained``), sentence
vectors (``embedding``) and one shared spaCy parse per text (``parser``). Nothing here
knows about stages; the stages reach these through the run's resources."""
