"""Reading a question: who it restricts to (speakers, countries or organisations, roles), when,
what kind of answer it wants, and the topic left once those are taken out (reader), as an
`Understanding`. Each part is decided beside the reader: speakers and places named (speakers,
places, regions, roles, lexicon), an actor as the subject of a verb of stance (actors, speech),
dates (when, with date_leads, months and days), the kind of answer (intent), the topic (topic,
topic_words) and follow-ups (follow_up); explicit resolves the options that give the same
filters.

May import: qa.corpus (dates, the gazetteer, names, attribution's titles) and the base
modules. Never a store, the answering layer or anything that prints.
"""
