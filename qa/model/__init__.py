"""The encoder: the bundled all-MiniLM-L6-v2 (or a local sentence-transformers folder),
verified by hash before use (embedding), and the question path's numpy forward pass and
WordPiece tokenizer (minilm, wordpiece), which answer a question without loading torch.

May import: the base modules (qa.errors). Nothing above.
"""
