/* Uploads with a progress bar (documents). Loaded as a file: the Content-Security-Policy forbids
   inline scripts. Without JavaScript, or without XMLHttpRequest uploads, the form posts as usual.

   <form class="js-upload" data-max-bytes="…" data-msg-…="…"> is sent with XMLHttpRequest; the
   <progress> shows how much has been sent and the role="status" paragraph says it in words.
   On success the server answers {"location": url} and the browser goes there; on an error
   status (400, 409, 413, 415 …) the returned page replaces this one's main content. */
(function () {
  "use strict";

  if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) { return; }

  function message(form, name) {
    return form.getAttribute("data-msg-" + name) || "";
  }

  // The role="status" paragraph: read out by screen readers; shown when it reports a problem,
  // visually hidden while it repeats what the progress bar shows.
  // kind: "quiet" (visually hidden), "info" or "error".
  function say(form, text, kind) {
    var status = form.querySelector(".upload-status-text");
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("visually-hidden", kind === "quiet");
    status.classList.toggle("text-danger", kind === "error");
    status.classList.toggle("fw-semibold", kind === "error");
  }

  function busy(form, on) {
    form.setAttribute("aria-busy", on ? "true" : "false");
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
      button.disabled = on;
    });
  }

  function focusFirstProblem(main) {
    var target = main.querySelector("#upload-error, [aria-invalid=true], .alert-danger") || main;
    if (!target.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName)) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  // Put the page the server answered (a form with its errors) in place of this one's content.
  function replacePage(html) {
    var answer = new DOMParser().parseFromString(html, "text/html");
    var newMain = answer.querySelector("main");
    var oldMain = document.querySelector("main");
    if (!newMain || !oldMain) {
      document.open();
      document.write(html);
      document.close();
      return;
    }
    oldMain.replaceWith(newMain);
    if (answer.title) { document.title = answer.title; }
    newMain.querySelectorAll("form.js-upload").forEach(bind);
    focusFirstProblem(newMain);
  }

  function send(form) {
    var progress = form.querySelector("progress");
    var box = form.querySelector(".upload-status");
    var label = form.querySelector(".upload-percent");
    var lastSaid = -1;
    var xhr = new XMLHttpRequest();

    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) { return; }
      var percent = Math.floor(100 * event.loaded / event.total);
      if (progress) {
        progress.value = percent;
        progress.textContent = percent + "%";
      }
      if (label) { label.textContent = percent + "%"; }
      // Speak in steps of ten, not at every event.
      var step = Math.floor(percent / 10);
      if (step !== lastSaid) {
        lastSaid = step;
        say(form, percent >= 100 ? message(form, "processing")
          : message(form, "progress").replace("{percent}", percent + "%"), percent >= 100 ? "info" : "quiet");
      }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status >= 200 && xhr.status < 300) {
        var location = null;
        try { location = JSON.parse(xhr.responseText).location; } catch (error) { location = null; }
        window.location.assign(location || xhr.responseURL || window.location.href);
        return;
      }
      busy(form, false);
      replacePage(xhr.responseText);
    });
    function failed() {
      busy(form, false);
      if (box) { box.hidden = true; }
      say(form, message(form, "failed"), "error");
    }
    xhr.addEventListener("error", failed);
    xhr.addEventListener("abort", failed);

    if (progress) { progress.value = 0; progress.textContent = "0%"; }
    if (label) { label.textContent = "0%"; }
    if (box) { box.hidden = false; }
    busy(form, true);
    say(form, message(form, "progress").replace("{percent}", "0%"), "quiet");
    xhr.send(new FormData(form));
  }

  function bind(form) {
    form.addEventListener("submit", function (event) {
      var limit = parseInt(form.getAttribute("data-max-bytes"), 10);
      var input = form.querySelector("input[type=file]");
      var file = input && input.files && input.files[0];
      event.preventDefault();
      if (file && limit && file.size > limit) {
        say(form, message(form, "too-large"), "error");
        input.setAttribute("aria-invalid", "true");
        input.classList.add("is-invalid");
        input.focus();
        return;
      }
      send(form);
    });
    var input = form.querySelector("input[type=file]");
    if (input) {
      input.addEventListener("change", function () {
        if (input.classList.contains("is-invalid") && !form.querySelector("#id_file_errors")) {
          input.classList.remove("is-invalid");
          input.removeAttribute("aria-invalid");
          say(form, "", "quiet");
        }
      });
    }
  }

  document.querySelectorAll("form.js-upload").forEach(bind);
})();
