"""Reading a question: who it restricts to (speakers, countries or organisations, roles), when,
what kind of answer it wants, and the topic left once those are taken out (reader), as an
`Understanding`. The words it knows for roles, dates, regions and intents live beside the
reader (lexicon, roles, when with date_leads, months and days, regions, intent, topic);
explicit resolves the options that give the same filters.

May import: qa.corpus (dates, the gazetteer, names, attribution's titles) and the base
modules. Never a store, the answering layer or anything that prints.
"""
