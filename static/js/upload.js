// Drag-and-drop upload with per-file progress: one request per file, so one bad file never
// stops the others. Without JavaScript the form posts every file at once and still works.
(function () {
  "use strict";
  const form = document.getElementById("upload-form");
  if (!form) return;
  const input = form.querySelector('input[type="file"]');
  const zone = document.getElementById("dropzone");
  const list = document.getElementById("upload-progress");
  const token = form.querySelector('input[name="csrfmiddlewaretoken"]').value;

  function uploadOne(file) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = file.name + " ";
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const result = document.createElement("span");
    item.append(name, bar, result);
    list.append(item);
    const data = new FormData();
    data.append("files", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.dataset.uploadUrl);
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.setRequestHeader("X-Upload-Fragment", "1");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener("load", function () {
      bar.value = 100;
      // The server's cell (escaped by the template) carries the resume's live status, which
      // polls until the resume is ready or failed: htmx.process wires it up.
      const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      const cell = doc.querySelector("#outcomes tbody tr td:last-child");
      result.replaceChildren(document.createTextNode(" "));
      if (cell) {
        Array.from(cell.childNodes).forEach(function (node) {
          result.append(document.importNode(node, true));
        });
        if (window.htmx) window.htmx.process(result);
      } else {
        result.append("HTTP " + xhr.status);
      }
      item.className = xhr.status < 400 ? "ok" : "error";
    });
    xhr.addEventListener("error", function () {
      result.textContent = " network error";
      item.className = "error";
    });
    xhr.send(data);
  }

  function uploadAll(files) {
    Array.from(files).forEach(uploadOne);
  }

  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (e) {
      e.preventDefault();
      zone.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function () {
      zone.classList.remove("over");
    });
  });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    uploadAll(e.dataTransfer.files);
  });
  input.addEventListener("change", function () {
    if (form.querySelector("textarea").value.trim() === "") {
      uploadAll(input.files);
      input.value = "";
    }
  });
})();
