// The playground page: sends what the person does over one WebSocket and puts the bot's
// answers, drawn by the server, where Discord would show them. No framework, no build step.
"use strict";

const body = document.body;
const person = body.dataset.person;
let place = body.dataset.place;
let offset = Number(body.dataset.offset || 0);
const box = document.getElementById("command");
const list = document.getElementById("suggestions");
const problem = document.getElementById("problem");
const modalRoot = document.getElementById("modal-root");
let socket = null;
let waiting = [];
let seq = 0;
let active = -1;
let items = [];

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws?as=${encodeURIComponent(person)}`);
  socket.addEventListener("open", () => {
    waiting.forEach((action) => socket.send(JSON.stringify(action)));
    waiting = [];
  });
  socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
  socket.addEventListener("close", () => setTimeout(() => location.reload(), 1000));
}

function send(action) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(action));
  else waiting.push(action);
}

function order(id) {
  return BigInt(String(id).replace(/^n/, ""));
}

function receive(update) {
  if (update.type === "entry") showEntry(update);
  else if (update.type === "gone") document.getElementById(`m${update.id}`)?.remove();
  else if (update.type === "modal") openModal(update.html);
  else if (update.type === "suggestions" && update.seq === seq) {
    showSuggestions(update.items, update.title);
  }
  else if (update.type === "problem") problem.textContent = update.text;
  else if (update.type === "sent") { box.value = ""; problem.textContent = ""; hideSuggestions(); }
  else if (update.type === "clock") {
    offset = update.offset;
    tick();
    document.getElementById("clock-note").textContent = update.note;
  } else if (update.type === "reload") location.reload();
}

function showEntry(update) {
  const log = document.getElementById(`log-${update.place}`);
  const holder = document.createElement("div");
  holder.innerHTML = update.html;
  const fresh = holder.firstElementChild;
  const old = document.getElementById(fresh.id);
  if (old) {
    old.replaceWith(fresh);
    return;
  }
  const later = [...log.querySelectorAll("article")].find((a) => order(a.dataset.id) > order(update.id));
  log.insertBefore(fresh, later || null);
  if (update.place === place) log.scrollTop = log.scrollHeight;
  else document.querySelector(`.channel[data-place="${update.place}"] .badge`).hidden = false;
}

function openModal(html) {
  modalRoot.innerHTML = html;
  const form = modalRoot.querySelector("form");
  form.querySelector("input, textarea")?.focus();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form).entries());
    send({ type: "submit", interaction: form.dataset.interaction, values });
    modalRoot.innerHTML = "";
  });
  form.querySelector(".cancel").addEventListener("click", () => { modalRoot.innerHTML = ""; });
}

// --- the Command box and its suggestions ----------------------------------------------------

function showSuggestions(found, title) {
  items = found;
  active = -1;
  const heading = document.createElement("li");
  heading.setAttribute("role", "presentation");
  heading.className = "heading";
  heading.textContent = title || "";
  list.replaceChildren(heading, ...found.map((item, index) => {
    const li = document.createElement("li");
    li.setAttribute("role", "option");
    li.id = `suggestion-${index}`;
    const label = document.createElement("strong");
    label.textContent = item.label;
    const about = document.createElement("span");
    about.textContent = item.description;
    li.append(label, about);
    li.addEventListener("mousedown", (event) => { event.preventDefault(); pick(index); });
    return li;
  }));
  list.hidden = found.length === 0;
  box.setAttribute("aria-expanded", String(!list.hidden));
}

function hideSuggestions() {
  showSuggestions([]);
}

function highlight(index) {
  active = index;
  list.querySelectorAll("[role=option]").forEach((li, i) => {
    li.setAttribute("aria-selected", String(i === index));
  });
  if (index >= 0) {
    box.setAttribute("aria-activedescendant", `suggestion-${index}`);
    document.getElementById(`suggestion-${index}`).scrollIntoView({ block: "nearest" });
  } else box.removeAttribute("aria-activedescendant");
}

function pick(index) {
  box.value = items[index].text;
  box.focus();
  suggest();
}

function suggest() {
  seq += 1;
  problem.textContent = "";
  if (!box.value.startsWith("/")) { hideSuggestions(); return; }
  send({ type: "suggest", text: box.value, place, seq });
}

let typing = null;
box.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(suggest, 80); });
box.addEventListener("focus", suggest);
box.addEventListener("keydown", (event) => {
  const open = !list.hidden && items.length > 0;
  if (open && event.key === "ArrowDown") highlight((active + 1) % items.length);
  else if (open && event.key === "ArrowUp") highlight((active - 1 + items.length) % items.length);
  else if (open && (event.key === "Tab" || (event.key === "Enter" && active >= 0))) {
    pick(Math.max(active, 0));
  } else if (event.key === "Escape") hideSuggestions();
  else return;
  event.preventDefault();
});
document.getElementById("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  if (box.value.trim()) send({ type: "send", text: box.value, place });
});

// --- messages: buttons, menus, dismissing ---------------------------------------------------

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-custom-id]");
  const article = event.target.closest("article");
  if (button && article) {
    send({ type: "click", message: article.dataset.id, custom_id: button.dataset.customId });
  } else if (event.target.closest(".dismiss") && article) article.remove();
});
document.addEventListener("change", (event) => {
  const menu = event.target.closest("select[data-custom-id]");
  const article = event.target.closest("article");
  if (!menu || !article) return;
  const values = [...menu.selectedOptions].map((option) => option.value);
  send({ type: "select", message: article.dataset.id, custom_id: menu.dataset.customId, values });
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && modalRoot.innerHTML) modalRoot.innerHTML = "";
});

// --- the sidebar: places, who you are, the clock ---------------------------------------------

document.querySelectorAll(".channel").forEach((link) => link.addEventListener("click", (event) => {
  event.preventDefault();
  place = link.dataset.place;
  document.querySelectorAll(".log").forEach((log) => { log.hidden = log.id !== `log-${place}`; });
  document.querySelectorAll(".channel").forEach((other) => {
    other.classList.toggle("active", other === link);
    if (other === link) other.setAttribute("aria-current", "page");
    else other.removeAttribute("aria-current");
  });
  link.querySelector(".badge").hidden = true;
  const name = link.cloneNode(true);
  name.querySelector(".badge").remove();
  document.getElementById("place-name").innerHTML = name.innerHTML;
  history.replaceState(null, "", link.getAttribute("href"));
  const log = document.getElementById(`log-${place}`);
  log.scrollTop = log.scrollHeight;
  box.focus();
}));
document.getElementById("acting-as").addEventListener("change", (event) => {
  location.search = `?as=${encodeURIComponent(event.target.value)}&in=${place}`;
});
document.getElementById("fast-forward").addEventListener("click", () => send({ type: "fast_forward" }));
document.getElementById("reset").addEventListener("click", (event) => {
  event.target.disabled = true;
  event.target.textContent = "Resetting…";
  send({ type: "reset" });
});

function tick() {
  const now = new Date(Date.now() + offset);
  document.getElementById("clock").textContent = now.toLocaleString(undefined, {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  });
}

tick();
setInterval(tick, 15000);
document.querySelectorAll(".log").forEach((log) => { log.scrollTop = log.scrollHeight; });
connect();
