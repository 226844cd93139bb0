// trustsvc dashboard: the only script a page loads (the CSP allows nothing inline).
// It signs in and out, and turns the action buttons into calls to the API. Every text it
// shows goes through textContent, never innerHTML.
"use strict";

const UI_HEADER = { "X-Trustsvc-UI": "1", "Content-Type": "application/json" };

function say(text) {
  const status = document.getElementById("status");
  if (status) status.textContent = text;
}

async function call(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: UI_HEADER,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  let detail = "";
  if (!response.ok) {
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || "";
    } catch (_) {
      detail = response.statusText;
    }
  }
  return { ok: response.ok, status: response.status, detail, response };
}

function wireLogin() {
  const form = document.getElementById("login");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = document.getElementById("key").value;
    const result = await call("POST", "/ui/login", { key });
    if (result.ok) {
      window.location.assign("/ui/");
    } else {
      say("That key is not valid (malformed, unknown, revoked or expired).");
    }
  });
}

function wireLogout() {
  const button = document.getElementById("logout");
  if (!button) return;
  button.addEventListener("click", async () => {
    await call("POST", "/ui/logout");
    window.location.assign("/ui/login");
  });
}

function wireActions() {
  for (const button of document.querySelectorAll("button[data-action]")) {
    button.addEventListener("click", async () => {
      const body = button.dataset.body ? JSON.parse(button.dataset.body) : {};
      button.disabled = true;
      const result = await call("POST", button.dataset.action, body);
      button.disabled = false;
      if (result.ok) {
        say(button.dataset.done || "Done.");
        if (button.dataset.reload) window.setTimeout(() => window.location.reload(), 400);
      } else {
        say(`Refused (${result.status}): ${result.detail}`);
      }
    });
  }
}

// The Assess button is served disabled and enabled here, once the form is wired: a click
// before the script ran would submit the form natively, as a GET of /ui/?url=..., which
// reloads the overview and assesses nothing.
function wireAssess() {
  const form = document.getElementById("assess");
  if (!form) return;
  const go = document.getElementById("assess-go");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const url = document.getElementById("assess-url").value;
    say("Assessing…");
    const result = await call("POST", "/v1/scans?wait=true", { url });
    if (!result.ok) {
      say(`Refused (${result.status}): ${result.detail}`);
      return;
    }
    const report = await result.response.json();
    window.location.assign(`/ui/endpoints/${encodeURIComponent(report.endpoint_id)}`);
  });
  if (go) {
    go.disabled = false;
    go.removeAttribute("title");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  wireLogin();
  wireLogout();
  wireActions();
  wireAssess();
});
