"""`qa serve`: the answers over HTTP on this machine, a JSON API with the contract of
`qa ask --json` and the chat's follow-ups, and one small page that asks it. `service` keeps the
engine and the conversations and answers one question at a time; `view` turns a reply into the
labels the terminal shows; `server` is the HTTP front door (the standard library's server).
It imports from qa.chat and the layers below it, never from qa.cli."""
