"""Text model: documents, prose extraction, sentences, quotations."""
from .document import Document, Position, language_for_path
from .model import Paragraph, TextModel

__all__ = ["Document", "Paragraph", "Position", "TextModel", "language_for_path"]
