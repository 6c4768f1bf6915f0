// The job page while the job runs: the log streams over server-sent events from
// GET /api/jobs/{id}/log (from its start, replacing what the page was rendered with), and the
// state and progress are read from GET /api/jobs/{id}. When the log ends the page reloads to
// show the outcome.
const box = document.getElementById("job");
const log = document.getElementById("log");

async function poll() {
  try {
    const job = await (await fetch(box.dataset.statusUrl)).json();
    const progress = document.getElementById("job-progress");
    if (job.progress !== undefined && job.progress !== null) {
      progress.value = job.progress;
      document.getElementById("job-percent").textContent = Math.round(job.progress * 100);
    }
    document.getElementById("job-note").textContent = job.progressNote || "";
    box.dataset.state = job.state;
  } catch (_) { /* keep the last values */ }
}

if (box && box.dataset.active === "true" && window.EventSource) {
  const source = new EventSource(box.dataset.logUrl);
  let first = true;
  source.onmessage = (event) => {
    if (first) { log.textContent = ""; first = false; }
    log.textContent += event.data + "\n";
    log.scrollTop = log.scrollHeight;
  };
  source.addEventListener("end", () => { source.close(); location.reload(); });
  source.onerror = () => { source.close(); setTimeout(() => location.reload(), 1000); };
  const timer = setInterval(poll, 1000);
  addEventListener("pagehide", () => clearInterval(timer));
}
