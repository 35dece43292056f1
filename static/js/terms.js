// Autocomplete for comma-separated requirement terms (inputs with data-terms-suggest): while a
// recruiter types a term, the skills search (/api/v1/skills/?q=) suggests canonical names in a
// listbox (the ARIA combobox pattern: arrows, Enter, Escape). A term the skills list does not
// know stays as typed; the hint says it will be matched word by word.
(function () {
  "use strict";
  let counter = 0;

  function currentTerm(input) {
    const upto = input.value.slice(0, input.selectionStart ?? input.value.length);
    const start = upto.lastIndexOf(",") + 1;
    return { start: start, end: upto.length, text: upto.slice(start).trim() };
  }

  function setup(input) {
    if (input.dataset.termsReady) return;
    input.dataset.termsReady = "1";
    const id = input.id || "terms-" + ++counter;
    input.id = id;
    const list = document.createElement("ul");
    list.id = id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggested skills");
    list.hidden = true;
    const note = document.createElement("p");
    note.className = "hint";
    note.id = id + "-status";
    note.setAttribute("aria-live", "polite");
    input.after(list, note);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    let active = -1;
    let timer = null;
    let asked = "";

    function close() {
      list.hidden = true;
      list.replaceChildren();
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      options.forEach(function (o, i) {
        o.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(name) {
      const term = currentTerm(input);
      const before = input.value.slice(0, term.start);
      const after = input.value.slice(term.end).replace(/^[^,]*/, "");
      const lead = before.length && !before.endsWith(" ") ? " " : "";
      input.value = before + lead + name + ", " + after.replace(/^,\s*/, "");
      const caret = (before + lead + name + ", ").length;
      input.setSelectionRange(caret, caret);
      note.textContent = name + " added.";
      close();
      input.focus();
    }

    function show(query, results) {
      list.replaceChildren();
      results.forEach(function (hit, i) {
        const option = document.createElement("li");
        option.id = id + "-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.name = hit.name;
        option.textContent = hit.name;
        const kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = " " + hit.kind + (hit.matched !== hit.name ? " · " + hit.matched : "");
        option.append(kind);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
          choose(hit.name);
        });
        list.append(option);
      });
      if (results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        note.textContent = results.length + " suggestion" + (results.length > 1 ? "s" : "") + ": use the arrow keys.";
      } else {
        close();
        note.textContent = "“" + query + "” is not in the skills list: it will be matched word by word.";
      }
    }

    function suggest() {
      const term = currentTerm(input);
      if (term.text.length < 1) {
        close();
        note.textContent = "";
        return;
      }
      if (term.text === asked) return;
      asked = term.text;
      const url = input.dataset.termsSuggest + "?limit=8&q=" + encodeURIComponent(term.text);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (currentTerm(input).text === term.text) show(term.text, data.results || []);
        })
        .catch(function () {
          close();
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 150);
    });
    input.addEventListener("keydown", function (event) {
      const options = list.querySelectorAll("[role=option]");
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        highlight((active + 1) % options.length);
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(options[active].dataset.name);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 100);
      asked = "";
    });
  }

  function init(root) {
    (root || document).querySelectorAll("input[data-terms-suggest]").forEach(setup);
  }

  if (window.htmx) window.htmx.onLoad(init);
  else document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
