"""Presentation: answers and records as text for people (render, with rich) and as JSON, JSON
lines, CSV and Markdown (formats); output writes whichever the command asked for. Only fixed
labels are added to corpus words.

May import: qa.answer and everything below it. Never the chat, the evaluation or the CLI.
"""
