// Token console: copy buttons and token deletion without a full reload. Everything works without it too
// (the Delete link leads to a confirmation page that posts a form).
(function () {
  "use strict";

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : null;
  var live = document.getElementById("live");

  function announce(message) {
    if (live) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = message; }, 50);
    }
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    var text = source.textContent;
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      button.classList.add("copied");
      announce("Copied to the clipboard");
      window.setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectText(source); });
    } else {
      selectText(source); // not a secure context: select it so that Ctrl+C / long-press copies it
      announce("Selected: press Ctrl+C to copy");
    }
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () { copy(button); });
  });

  var dialog = document.getElementById("confirm-dialog");
  var pending = null;

  function removeRow(tokenId, name) {
    var row = document.querySelector('tr[data-token-id="' + CSS.escape(tokenId) + '"]');
    if (row) {
      row.remove();
    }
    var rows = document.querySelectorAll("#tokens tbody tr").length;
    var count = document.getElementById("token-count");
    if (count) {
      count.textContent = String(rows);
    }
    if (rows === 0) {
      document.getElementById("tokens").hidden = true;
      document.getElementById("no-tokens").hidden = false;
    }
    announce("Token \u201c" + name + "\u201d deleted: it is refused from now on.");
    document.getElementById("tokens-title").focus();
  }

  function deleteToken(link) {
    var tokenId = link.getAttribute("data-delete-token");
    var name = link.getAttribute("data-token-name");
    fetch(link.getAttribute("href"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRF-Token": csrf
      },
      body: "csrf=" + encodeURIComponent(csrf)
    }).then(function (response) {
      if (response.ok) {
        removeRow(tokenId, name);
      } else {
        window.location.assign(link.getAttribute("href")); // the confirmation page explains what went wrong
      }
    }, function () {
      window.location.assign(link.getAttribute("href"));
    });
  }

  if (dialog && typeof dialog.showModal === "function" && window.fetch && csrf) {
    document.querySelectorAll("[data-delete-token]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        pending = link;
        document.getElementById("confirm-dialog-name").textContent = link.getAttribute("data-token-name");
        dialog.returnValue = "";
        dialog.showModal();
      });
    });
    dialog.addEventListener("close", function () {
      var link = pending;
      pending = null;
      if (link && dialog.returnValue === "delete") {
        deleteToken(link);
      } else if (link) {
        link.focus();
      }
    });
  }

  var created = document.getElementById("new-token");
  if (created) {
    created.focus();
  }
})();
