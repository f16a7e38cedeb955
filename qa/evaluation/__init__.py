"""`qa eval`: the evaluation set (questions) run through the same `answer()` as every front
door, conversation turns through the chat's own conversation, beside two baselines, plain dense
top-k and plain BM25 (runs); each run measured with ir-measures and by abstention, speaker,
date, paraphrase robustness, turns and attribution (metrics), and reported per part against the
gates the tests hold and the targets still to reach (report).

May import: qa.answer, qa.corpus, qa.store (the filter tree), qa.settings and the base modules;
qa.chat (its conversation) and qa.question only inside the functions that use them. Never the
CLI or the renderers: the report is plain data.
"""
