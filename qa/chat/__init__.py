"""The chat: a conversation's logic (conversation), and the terminal loop and piped chat that
print its replies (terminal).

May import: qa.present (only inside the functions that print), qa.answer and everything below
it. Never the evaluation, `qa serve` or the CLI.
"""
