// The page of `qa serve`. Every word from the corpus or the question is put into the document
// with textContent, never as markup: nothing the statements say can run as HTML or script.
"use strict";

let conversation = null;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function status(text) {
  document.getElementById("status").textContent = text;
}

async function ask(question, followUp) {
  const params = new URLSearchParams({ q: question });
  if (followUp && conversation) params.set("conversation", conversation);
  status("Answering…");
  let response;
  let data;
  try {
    response = await fetch("/api/view?" + params.toString(), { headers: { Accept: "application/json" } });
    data = await response.json();
  } catch (error) {
    status("The server did not answer; is `qa serve` still running?");
    return;
  }
  status("");
  if (!response.ok && data.view === undefined) {
    show(question, { lines: [data.error || "The request failed."], error: true });
    return;
  }
  conversation = response.headers.get("Qa-Conversation");  // null once a conversation ends
  show(question, data.view);
  document.getElementById("follow").hidden = conversation === null;
}

function passage(item) {
  const box = element("div", "passage");
  box.appendChild(element("blockquote", "text", item.text));
  const meta = element("div", "meta");
  meta.appendChild(document.createTextNode("— "));
  meta.appendChild(element("span", "who", item.who));
  const parts = [item.date, item.kind, item.channel, item.source, item.matched_by];
  for (const part of parts) {
    if (part) meta.appendChild(element("span", null, " · " + part));
  }
  if (item.further) meta.appendChild(element("span", "further", " · " + item.further));
  box.appendChild(meta);
  const copy = element("button", "copy", "Copy citation");
  copy.type = "button";
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(item.citation);
      copy.textContent = "Copied";
    } catch (error) {
      copy.textContent = "Copy failed; select the text instead";
    }
    setTimeout(() => { copy.textContent = "Copy citation"; }, 2000);
  });
  box.appendChild(copy);
  return box;
}

function show(question, view) {
  const reply = element("section", "reply");
  reply.appendChild(element("div", "asked", question));
  if (view.understood) reply.appendChild(element("div", "understood", "Understood: " + view.understood));
  for (const line of view.lines || []) reply.appendChild(element("div", view.error ? "error" : "line", line));
  if (view.note) reply.appendChild(element("div", "note", view.note));
  for (const group of view.groups || []) {
    if (group.label) reply.appendChild(element("div", "group", group.label));
    for (const item of group.passages) reply.appendChild(passage(item));
  }
  if (view.closest_label) reply.appendChild(element("div", "closest-label", view.closest_label));
  for (const item of view.closest || []) reply.appendChild(passage(item));
  for (const item of view.sources || []) {
    reply.appendChild(element("div", "group", item.source));
    reply.appendChild(element("div", "source-statement", item.statement));
  }
  if (view.more) reply.appendChild(element("div", "line", view.more));
  document.getElementById("replies").appendChild(reply);
  reply.scrollIntoView({ block: "start" });
}

document.addEventListener("DOMContentLoaded", () => {
  const first = document.getElementById("question");
  const next = document.getElementById("followup");
  document.getElementById("ask").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!first.value.trim()) return;
    conversation = null;
    document.getElementById("replies").replaceChildren();
    ask(first.value, false);
  });
  document.getElementById("follow").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!next.value.trim()) return;
    ask(next.value, true).then(() => { next.value = ""; });
  });
  document.getElementById("restart").addEventListener("click", () => {
    conversation = null;
    document.getElementById("replies").replaceChildren();
    document.getElementById("follow").hidden = true;
    first.value = "";
    first.focus();
  });
  first.focus();
});
