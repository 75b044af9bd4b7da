/*
 * The clinic's website chat widget. Embed with one line:
 *   <script src="https://CHAT-HOST/widget/clinic-chat.js" defer></script>
 * Optional attributes: data-socket-url (Rasa's public URL; default from config.json next
 * to this file), data-lang ("th" | "en"; default: the page's <html lang>).
 *
 * Talks to Rasa's socket.io channel (channels/web/socketio_channel.py): session_request /
 * session_confirm, user_uttered {message, session_id, metadata: {language}}, bot_uttered
 * {text, metadata, quick_replies}, and session_history {messages, handed_off} (the
 * conversation so far, from the tracker store). Every text is put into the page with
 * textContent, never as HTML. The browser keeps only the session id and whether the chat
 * is open (localStorage); "new conversation" asks for a fresh session id.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "clinicChat.v1";
  var LANGUAGES = ["th", "en"];
  var URL_PATTERN = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

  var script = document.currentScript;
  if (!script || window.__clinicChatLoaded) return;
  window.__clinicChatLoaded = true;
  var base = new URL(".", script.src).href;

  function pageLanguage() {
    var lang = (script.getAttribute("data-lang") || document.documentElement.lang || "th").slice(0, 2).toLowerCase();
    return LANGUAGES.indexOf(lang) >= 0 ? lang : "th";
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "omit" }).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.json();
    });
  }

  function loadScript(url) {
    if (window.io) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = url;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("cannot load " + url)); };
      document.head.appendChild(tag);
    });
  }

  function loadStyle(url) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = url;
    document.head.appendChild(link);
  }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "className") node.className = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Text with plain http(s) links made clickable; everything goes in as text nodes.
  function appendLinkified(parent, text, labels) {
    var last = 0;
    text.replace(URL_PATTERN, function (url, offset) {
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url);
      link.appendChild(el("span", { className: "cc-visually-hidden" }, " " + labels.opensInNewTab));
      parent.appendChild(link);
      last = offset + url.length;
      return url;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // A speech-bubble icon drawn in SVG: emoji fonts are not everywhere.
  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "22");
    svg.setAttribute("height", "22");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    svg.appendChild(path);
    return svg;
  }

  function loadState() {
    try {
      var stored = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
      if (stored && typeof stored === "object") {
        return { sessionId: typeof stored.sessionId === "string" ? stored.sessionId : null, open: !!stored.open };
      }
    } catch (error) { /* unreadable storage: start afresh */ }
    return { sessionId: null, open: false };
  }

  // Only the session id and the open state: the messages stay on the server.
  function saveState(state) {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ sessionId: state.sessionId, open: state.open }));
    } catch (error) { /* blocked storage: the chat still works, without reload persistence */ }
  }

  function ChatWidget(config, labels, language) {
    this.config = config;
    this.labels = labels;
    this.language = language;
    this.state = loadState();
    this.handedOff = false;
    this.socket = null;
    this.confirmed = false;
    this.waiting = null;
    this.build();
    this.setConnection(labels.connecting);
    this.updateStatus();
    this.setOpen(this.state.open);
    this.connect();
  }

  ChatWidget.prototype.build = function () {
    var L = this.labels;
    this.root = el("div", { className: "cc-root", lang: this.language });
    this.launcher = el("button", { type: "button", className: "cc-launcher", "aria-controls": "cc-panel", "aria-expanded": "false" });
    this.launcher.appendChild(chatIcon());
    this.launcher.appendChild(el("span", { className: "cc-launcher-text" }, L.launcher));
    this.panel = el("section", { id: "cc-panel", className: "cc-panel", role: "dialog", "aria-labelledby": "cc-title" });

    var header = el("header", { className: "cc-header" });
    var titles = el("div", { className: "cc-titles" });
    titles.appendChild(el("h2", { id: "cc-title", className: "cc-title" }, L.title));
    titles.appendChild(el("p", { className: "cc-subtitle" }, L.subtitle));
    this.newButton = el("button", { type: "button", className: "cc-new" }, L.newConversation);
    this.closeButton = el("button", { type: "button", className: "cc-close", "aria-label": L.close }, "×");
    header.appendChild(titles);
    header.appendChild(this.closeButton);

    this.status = el("p", { className: "cc-status", role: "status" });
    this.log = el("div", { className: "cc-log", role: "log", "aria-live": "polite", "aria-label": L.conversation, tabindex: "0" });
    this.welcome = el("p", { className: "cc-welcome" }, L.welcome);
    this.log.appendChild(this.welcome);
    this.typing = el("p", { className: "cc-typing", hidden: "" }, L.typing);
    this.connection = el("p", { className: "cc-connection", role: "status" }, L.connecting);

    this.form = el("form", { className: "cc-form" });
    this.form.appendChild(el("label", { className: "cc-visually-hidden", for: "cc-input" }, L.inputLabel));
    this.input = el("textarea", { id: "cc-input", className: "cc-input", rows: "2", maxlength: String(this.config.maxChars), placeholder: L.placeholder, "aria-describedby": "cc-counter" });
    this.sendButton = el("button", { type: "submit", className: "cc-send" }, L.send);
    this.counter = el("span", { id: "cc-counter", className: "cc-counter", "aria-live": "polite" });
    this.form.appendChild(this.input);
    this.form.appendChild(this.sendButton);
    var tools = el("div", { className: "cc-tools" });
    tools.appendChild(this.counter);
    tools.appendChild(this.newButton);
    this.form.appendChild(tools);

    [header, this.status, this.log, this.typing, this.connection, this.form].forEach(function (part) {
      this.panel.appendChild(part);
    }, this);
    this.root.appendChild(this.panel);
    this.root.appendChild(this.launcher);
    document.body.appendChild(this.root);

    var self = this;
    this.launcher.addEventListener("click", function () { self.setOpen(!self.state.open); });
    this.closeButton.addEventListener("click", function () { self.setOpen(false); self.launcher.focus(); });
    this.newButton.addEventListener("click", function () { self.newConversation(); });
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { self.setOpen(false); self.launcher.focus(); }
    });
    this.form.addEventListener("submit", function (event) { event.preventDefault(); self.sendTyped(); });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); self.sendTyped(); }
    });
    this.input.addEventListener("input", function () { self.updateCounter(); });
  };

  ChatWidget.prototype.setOpen = function (open) {
    this.state.open = open;
    this.panel.hidden = !open;
    this.launcher.setAttribute("aria-expanded", String(open));
    this.root.classList.toggle("cc-is-open", open);
    saveState(this.state);
    if (open) { this.scrollToEnd(); this.input.focus(); }
  };

  ChatWidget.prototype.connect = function () {
    var self = this;
    this.socket = window.io(this.config.socketUrl, { path: this.config.socketPath || "/socket.io/", transports: ["websocket", "polling"], tryAllTransports: true });
    this.socket.on("connect", function () {
      self.socket.emit("session_request", { session_id: self.state.sessionId });
    });
    this.socket.on("session_confirm", function (sessionId) {
      self.state.sessionId = typeof sessionId === "string" ? sessionId : (sessionId && sessionId.session_id) || null;
      self.confirmed = true;
      saveState(self.state);
      self.setConnection(null);
    });
    this.socket.on("session_history", function (history) { self.showHistory(history); });
    this.socket.on("bot_uttered", function (message) { self.receive(message); });
    this.socket.on("disconnect", function () { self.confirmed = false; self.setConnection(self.labels.offline); });
    this.socket.on("connect_error", function () { self.setConnection(self.labels.offline); });
  };

  ChatWidget.prototype.setConnection = function (text) {
    this.connection.textContent = text || "";
    this.connection.hidden = !text;
    this.sendButton.disabled = !!text;
  };

  ChatWidget.prototype.sendTyped = function () {
    var text = this.input.value.trim();
    if (!text || !this.confirmed) return;
    this.input.value = "";
    this.updateCounter();
    this.send(text, text);
  };

  ChatWidget.prototype.send = function (shown, message) {
    this.add({ from: "user", text: shown });
    this.socket.emit("user_uttered", { message: message, session_id: this.state.sessionId, metadata: { language: this.language } });
    // While staff have the conversation the assistant stays quiet: no "typing" promise.
    this.setTyping(!this.handedOff);
  };

  // A message from the server (live or history) in the shape render() takes.
  function normalise(message, from) {
    var metadata = message.metadata && typeof message.metadata === "object" ? message.metadata : {};
    var replies = Array.isArray(message.quick_replies) ? message.quick_replies : [];
    return {
      from: from === "user" ? "user" : metadata.staff ? "staff" : "bot",
      text: typeof message.text === "string" ? message.text : "",
      disclaimer: metadata.disclaimer === "full" || metadata.disclaimer === "short" ? metadata.disclaimer : null,
      metadata: metadata,
      quickReplies: replies.filter(function (reply) {
        return reply && typeof reply.title === "string" && typeof reply.payload === "string";
      }).map(function (reply) { return { title: reply.title, payload: reply.payload }; })
    };
  }

  ChatWidget.prototype.receive = function (raw) {
    if (!raw || typeof raw !== "object") return;
    var message = normalise(raw, "bot");
    var metadata = message.metadata;
    if (metadata.handoff || metadata.staff) this.handedOff = true;
    else if (!metadata.while_paused) this.handedOff = false;  // the assistant answers again: handed back
    this.setTyping(false);
    this.add(message);
    this.updateStatus();
  };

  ChatWidget.prototype.showHistory = function (history) {
    if (!history || !Array.isArray(history.messages)) return;
    this.clearLog();
    history.messages.forEach(function (raw) {
      if (raw && typeof raw === "object") this.render(normalise(raw, raw.from));
    }, this);
    this.handedOff = !!history.handed_off;
    this.updateStatus();
    this.scrollToEnd();
  };

  ChatWidget.prototype.add = function (message) {
    var stale = this.log.querySelectorAll(".cc-quick");
    for (var i = 0; i < stale.length; i++) stale[i].remove();
    var bubble = this.render(message);
    // Long answers are read from their start: keep the question (or a staff message) at
    // the top of the view rather than jumping to the end of the answer.
    if (message.from === "user" || message.from === "staff") this.turnStart = bubble;
    this.scrollToTurn();
  };

  ChatWidget.prototype.clearLog = function () {
    var nodes = this.log.querySelectorAll(".cc-msg, .cc-quick");
    for (var i = 0; i < nodes.length; i++) nodes[i].remove();
    this.welcome.hidden = false;
  };

  ChatWidget.prototype.render = function (message) {
    var L = this.labels;
    var who = { user: L.you, bot: L.assistant, staff: L.staff }[message.from] || L.assistant;
    var classes = "cc-msg cc-" + (message.from === "user" ? "user" : message.from === "staff" ? "staff" : "bot");
    if (message.disclaimer) classes += " cc-disclaimer cc-disclaimer-" + message.disclaimer;
    var bubble = el("div", { className: classes });
    var label = el("span", { className: message.from === "bot" && !message.disclaimer ? "cc-who cc-visually-hidden" : "cc-who" },
      message.disclaimer ? L.disclaimer : who);
    if (message.disclaimer) label.setAttribute("aria-label", who + ", " + L.disclaimer);
    bubble.appendChild(label);
    var body = el("p", { className: "cc-text" });
    appendLinkified(body, String(message.text || ""), L);
    bubble.appendChild(body);
    this.log.appendChild(bubble);
    this.welcome.hidden = true;
    if (message.quickReplies && message.quickReplies.length) this.renderQuickReplies(message.quickReplies);
    return bubble;
  };

  ChatWidget.prototype.renderQuickReplies = function (replies) {
    var self = this;
    var group = el("div", { className: "cc-quick", role: "group", "aria-label": this.labels.quickReplies });
    replies.forEach(function (reply) {
      var button = el("button", { type: "button", className: "cc-quick-reply" }, reply.title);
      button.addEventListener("click", function () {
        if (self.confirmed) self.send(reply.title, reply.payload);
      });
      group.appendChild(button);
    });
    this.log.appendChild(group);
  };

  ChatWidget.prototype.newConversation = function () {
    this.state = { sessionId: null, open: true };
    saveState(this.state);
    this.clearLog();
    this.handedOff = false;
    this.setTyping(false);
    this.updateStatus();
    this.confirmed = false;
    this.socket.emit("session_request", { session_id: null });
    this.input.focus();
  };

  ChatWidget.prototype.updateStatus = function () {
    this.status.textContent = this.handedOff ? this.labels.handedOff : "";
    this.status.hidden = !this.handedOff;
    this.root.classList.toggle("cc-is-handed-off", this.handedOff);
  };

  ChatWidget.prototype.updateCounter = function () {
    var left = this.config.maxChars - this.input.value.length;
    this.counter.textContent = left < 200 ? this.labels.charsLeft.replace("{n}", String(left)) : "";
  };

  ChatWidget.prototype.setTyping = function (on) {
    var self = this;
    clearTimeout(this.waiting);
    this.typing.hidden = !on;
    if (on) this.waiting = setTimeout(function () { self.typing.hidden = true; }, 30000);
  };

  ChatWidget.prototype.scrollToTurn = function () {
    var end = this.log.scrollHeight;
    var start = this.turnStart && this.turnStart.isConnected ? this.turnStart.offsetTop - 8 : end;
    this.log.scrollTop = Math.min(start, end);
  };

  ChatWidget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  function start() {
    var language = pageLanguage();
    loadStyle(base + "clinic-chat.css");
    var configured = fetchJson(base + "config.json").catch(function (error) {
      if (!script.getAttribute("data-socket-url")) throw error;
      return {};
    });
    Promise.all([configured, fetchJson(base + "labels.json"), loadScript(base + "socket.io.min.js")])
      .then(function (loaded) {
        var config = loaded[0];
        config.socketUrl = script.getAttribute("data-socket-url") || config.socketUrl;
        config.maxChars = config.maxChars || 2000;
        new ChatWidget(config, loaded[1][language], language);
      })
      .catch(function (error) { console.error("clinic chat widget:", error); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
