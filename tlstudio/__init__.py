"""TL Studio: fine-tune pretrained transformers on your own labelled text."""

__version__ = "0.1.0"
