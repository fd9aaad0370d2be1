"""The pages behind the URLs the emulator hands out: server-rendered HTML, standard library only.

- `/` and `/jobs/NS`: the jobs of a namespace; `/OWNER/NAME` (and `/datasets/...`,
  `/spaces/...`, `/buckets/...`): the repository URL a webhook payload gives; `/jobs/NS/ID`: one job (stage, timings, spec
  with secret names only, cost so far, the runtime's note, and the live log, streamed by a
  small script as it is written; the stage changes in place when the job ends);
  `/scheduled-jobs/NS[/ID]`: scheduled jobs; `/settings/webhooks[/ID]`: webhooks.
- They show logs, so they are private, like a notebook server's: `POST /api/emulator/page-login`
  (the API's bearer token, unchanged) returns a one-time URL, `/pages/login?once=...&next=...`,
  which sets a session cookie (HttpOnly, SameSite=Strict) and redirects. `hfjobs emulator open`
  prints or opens it. A page without the cookie answers 401 and says how to get in.
"""

from __future__ import annotations

import hmac
import json
import secrets
import shlex
import threading
import time
from html import escape
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlsplit

from hfjobs_cli.emulator import render
from hfjobs_cli.emulator.errors import ApiError
from hfjobs_cli.emulator.hardware import FLAVORS
from hfjobs_cli.emulator.logstore import stream
from hfjobs_cli.emulator.routing import Page, Request, Stream, route
from hfjobs_cli.emulator.runtime import image_of
from hfjobs_cli.emulator.store import TERMINAL_STAGES

COOKIE = "hfjobs_emulator_session"
ONCE_TTL = 300.0  # seconds a one-time login URL stays valid
LIST_LIMIT = 200
RESERVED = ("api", "pages", "jobs", "scheduled-jobs", "settings", "datasets", "spaces", "buckets")


class PageAuth:
    """One-time login tokens and the sessions they opened (in memory: a restart logs out)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._once: dict[str, float] = {}
        self._sessions: set[str] = set()

    def issue(self) -> str:
        once = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self._lock:
            self._once = {k: t for k, t in self._once.items() if t > now}
            self._once[once] = now + ONCE_TTL
        return once

    def redeem(self, once: str) -> str | None:
        """A new session for a valid one-time token (which is spent), else None."""
        with self._lock:
            expires = self._once.pop(once, None)
            if expires is None or expires < time.monotonic():
                return None
            session = secrets.token_urlsafe(32)
            self._sessions.add(session)
            return session

    def valid(self, session: str | None) -> bool:
        if not session:
            return False
        with self._lock:
            return any(hmac.compare_digest(session, s) for s in self._sessions)


_AUTH_LOCK = threading.Lock()


def auth_of(app: Any) -> PageAuth:
    with _AUTH_LOCK:
        if not isinstance(getattr(app, "page_auth", None), PageAuth):
            app.page_auth = PageAuth()
        return app.page_auth


def _session(req: Request) -> str | None:
    cookie = SimpleCookie()
    try:
        cookie.load(req.headers.get("Cookie") or "")
    except Exception:  # a malformed Cookie header is no session
        return None
    morsel = cookie.get(COOKIE)
    return morsel.value if morsel is not None else None


def _safe_next(target: str | None) -> str:
    """Only a path on this server: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


# -- HTML ----------------------------------------------------------------------------------------

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1f2328;background:#fff}
header{background:#1f2328;color:#fff;padding:.6em 1.2em}header a{color:#fff;margin-right:1.2em}
main{padding:1em 1.2em;max-width:1200px}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #d0d7de;vertical-align:top}
th{background:#f6f8fa}code,pre{font:12px/1.4 ui-monospace,monospace}
pre#log{background:#0d1117;color:#e6edf3;padding:.8em;max-height:70vh;overflow:auto;
white-space:pre-wrap;word-break:break-all}
.stage{font-weight:600;padding:.1em .5em;border-radius:.8em;background:#eaeef2}
.RUNNING{background:#ddf4ff}.COMPLETED{background:#dafbe1}.ERROR{background:#ffebe9}
.CANCELED{background:#fff8c5}.muted{color:#656d76}
"""


def _layout(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)} · hfjobs emulator</title>"
        f"<meta name=viewport content='width=device-width'><style>{STYLE}</style></head><body>"
        "<header><a href='/jobs/local'>Jobs</a><a href='/jobs/local-org'>local-org jobs</a>"
        "<a href='/scheduled-jobs/local'>Scheduled jobs</a>"
        "<a href='/settings/webhooks'>Webhooks</a></header>"
        f"<main>{body}</main></body></html>"
    )


def _page(title: str, body: str, status: int = 200) -> Page:
    return Page(status, _layout(title, body))


def _stage(stage: str, element_id: str | None = None) -> str:
    ident = f" id={element_id}" if element_id else ""
    return f"<span class='stage {escape(stage)}'{ident}>{escape(stage)}</span>"


def _rows(pairs: list[tuple[str, str]]) -> str:
    """A two-column table; the values are HTML already (escape before)."""
    return (
        "<table>"
        + "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in pairs)
        + "</table>"
    )


def _text(value: Any) -> str:
    if value is None or value == [] or value == {}:
        return "<span class=muted>-</span>"
    if isinstance(value, (dict, list)):
        return f"<code>{escape(json.dumps(value, ensure_ascii=False))}</code>"
    return escape(str(value))


def _command(spec: dict[str, Any]) -> str:
    return (
        f"<code>{escape(shlex.join([*spec.get('command', []), *spec.get('arguments', [])]))}</code>"
    )


def runtime_note(row: dict[str, Any]) -> str:
    """What the runtime did with the image: the note that used to be in the status message."""
    runtime = row.get("runtime") or "process"
    if runtime == "process":
        return f"process runtime: {image_of(row['spec'])} was not used"
    return f"{runtime} runtime: {image_of(row['spec'])} ran in a local container"


def cost_usd(job: dict[str, Any]) -> float:
    flavor = FLAVORS.get(job.get("flavor") or "cpu-basic", FLAVORS["cpu-basic"])
    seconds = (job.get("durations") or {}).get("runningSecs") or 0
    return flavor["unitCostMicroUSD"] * seconds / 60 / 1_000_000


def _unauthorized() -> Page:
    body = (
        "<h1>Sign in to this emulator</h1><p>Its pages show job logs, so they are private. "
        "Get a one-time sign-in link with:</p><pre>hfjobs emulator open</pre>"
        "<p class=muted>(the API keeps its bearer token: <code>Authorization: Bearer ...</code>)</p>"
    )
    return _page("Sign in", body, 401)


def _not_found(what: str) -> Page:
    return _page("Not found", f"<h1>Not found</h1><p>{escape(what)}</p>", 404)


def private(handler):
    """A page handler that needs the session cookie."""

    def wrapped(req: Request, **groups: str):
        if not auth_of(req.app).valid(_session(req)):
            return _unauthorized()
        return handler(req, **groups)

    wrapped.__name__ = handler.__name__
    return wrapped


# -- sign-in -------------------------------------------------------------------------------------


def login_url(req: Request) -> dict[str, Any]:
    """`POST /api/emulator/page-login` (bearer token): a one-time URL that opens the pages."""
    body = req.json() if req.raw_body.strip() else {}
    target = _safe_next(body.get("next") if isinstance(body, dict) else None)
    once = auth_of(req.app).issue()
    url = f"{req.base_url}/pages/login?once={once}&next={quote(target, safe='/')}"
    return {"url": url, "expiresInSeconds": int(ONCE_TTL)}


def login(req: Request) -> Page:
    session = auth_of(req.app).redeem(req.param("once") or "")
    if session is None:
        body = (
            "<h1>This sign-in link is spent or expired</h1><p>Each link opens the pages once. "
            "Get a new one with:</p><pre>hfjobs emulator open</pre>"
        )
        return _page("Sign in", body, 403)
    cookie = f"{COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/"
    target = _safe_next(req.param("next"))
    return Page(303, "", {"Location": target, "Set-Cookie": cookie})


# -- jobs ----------------------------------------------------------------------------------------


@private
def home(req: Request) -> Page:
    return Page(303, "", {"Location": "/jobs/local"})


@private
def jobs_page(req: Request, namespace: str) -> Page:
    if namespace not in render.NAMESPACES:
        return _not_found(f"No namespace {namespace!r} here: use local or local-org")
    rows = []
    for count, row in enumerate(req.app.store.iter_jobs(namespace, [], None)):
        if count >= LIST_LIMIT:
            break
        job = render.job_view(row)
        image = job.get("dockerImage") or f"Space {job.get('spaceId')}"
        rows.append(
            f"<tr><td><a href='/jobs/{escape(namespace)}/{escape(job['id'])}'>"
            f"<code>{escape(job['id'])}</code></a></td><td>{_stage(job['status']['stage'])}</td>"
            f"<td>{escape((job.get('labels') or {}).get('name', ''))}</td>"
            f"<td>{escape(image)}</td><td>{_command(job)}</td>"
            f"<td>{escape(job['createdAt'] or '')}</td></tr>"
        )
    table = (
        "<table><tr><th>Job</th><th>Stage</th><th>Name</th><th>Image</th><th>Command</th>"
        "<th>Created</th></tr>" + "".join(rows) + "</table>"
        if rows
        else "<p class=muted>No jobs yet.</p>"
    )
    return _page(f"Jobs of {namespace}", f"<h1>Jobs of {escape(namespace)}</h1>{table}")


LIVE_LOG = """
(function(){
  var log=document.getElementById('log'), stage=document.getElementById('stage');
  var base=location.pathname, shown=0, ended=false, es=null;
  log.textContent='';
  function status(){
    fetch(base+'/status.json',{credentials:'same-origin'}).then(function(r){return r.json();})
    .then(function(s){
      stage.textContent=s.stage; stage.className='stage '+s.stage;
      document.getElementById('message').textContent=s.message||'';
      document.getElementById('durations').textContent=s.durations;
      document.getElementById('cost').textContent=s.cost;
      if(s.terminal){ended=true;}
    }).catch(function(){});
  }
  function connect(){
    var index=0;
    es=new EventSource(base+'/log-events');
    es.onmessage=function(e){
      var item; try{item=JSON.parse(e.data);}catch(x){return;}
      if(index++<shown){return;}
      shown++;
      var stick=log.scrollTop+log.clientHeight>=log.scrollHeight-4;
      log.appendChild(document.createTextNode(item.data+'\\n'));
      if(stick){log.scrollTop=log.scrollHeight;}
    };
    es.onerror=function(){
      es.close(); status();
      setTimeout(function(){ if(!ended){connect();} else {status();} },500);
    };
  }
  connect(); status();
  var timer=setInterval(function(){ if(ended){clearInterval(timer);} status(); },1000);
})();
"""


def _durations(job: dict[str, Any]) -> str:
    d = job.get("durations") or {}
    parts = []
    for key, label in (
        ("schedulingSecs", "scheduling"),
        ("runningSecs", "running"),
        ("totalSecs", "total"),
    ):
        if d.get(key) is not None:
            parts.append(f"{label} {d[key]} s")
    return ", ".join(parts) or "-"


def _find_job(req: Request, namespace: str, job_id: str) -> dict[str, Any] | None:
    row = req.app.store.get("jobs", job_id)
    if row is None or row["namespace"] != namespace:
        return None
    return row


@private
def job_page(req: Request, namespace: str, job_id: str) -> Page:
    row = _find_job(req, namespace, job_id)
    if row is None:
        return _not_found(f"Job {job_id} not found in namespace '{namespace}'")
    job = render.job_view(row)
    status = job["status"]
    spec = row["spec"]
    expose = "".join(
        f"<a href='{escape(u)}'>{escape(u)}</a> " for u in status.get("exposeUrls") or []
    )
    pairs = [
        (
            "Stage",
            _stage(status["stage"], "stage")
            + f" <span id=message>{escape(status['message'] or '')}</span>",
        ),
        ("Image", escape(spec.get("dockerImage") or f"Space {spec.get('spaceId')}")),
        ("Command", _command(spec)),
        ("Flavor", escape(spec.get("flavor") or "")),
        ("Runtime", escape(runtime_note(row))),
        ("Created", _text(job["createdAt"])),
        ("Started", _text(job["startedAt"])),
        ("Finished", _text(job["finishedAt"])),
        ("Durations", f"<span id=durations>{escape(_durations(job))}</span>"),
        ("Cost so far", f"<span id=cost>${cost_usd(job):.4f}</span>"),
        ("Timeout", _text(spec.get("timeoutSeconds"))),
        ("Environment", _text(spec.get("environment"))),
        ("Secrets", _text(sorted(row["secrets"]))),  # names only, never the values
        ("Labels", _text(spec.get("labels"))),
        ("Volumes", _text(spec.get("volumes"))),
        ("Exposed", expose or _text(None)),
        ("Initiator", _text(job.get("initiator"))),
    ]
    body = (
        f"<h1>Job <code>{escape(job_id)}</code></h1>{_rows(pairs)}"
        "<h2>Log</h2><pre id=log>(the log appears here as it is written: it needs JavaScript)"
        f"</pre><script>{LIVE_LOG}</script>"
    )
    return _page(f"Job {job_id}", body)


@private
def job_status(req: Request, namespace: str, job_id: str) -> Page:
    row = _find_job(req, namespace, job_id)
    if row is None:
        return _not_found(f"Job {job_id} not found in namespace '{namespace}'")
    job = render.job_view(row)
    data = {
        "stage": job["status"]["stage"],
        "message": job["status"]["message"],
        "terminal": row["stage"] in TERMINAL_STAGES,
        "durations": _durations(job),
        "cost": f"${cost_usd(job):.4f}",
    }
    return Page(200, json.dumps(data), {"Content-Type": "application/json; charset=utf-8"})


def job_log_events(req: Request, namespace: str, job_id: str) -> Stream | Page:
    if not auth_of(req.app).valid(_session(req)):
        return _unauthorized()
    if _find_job(req, namespace, job_id) is None:
        return _not_found(f"Job {job_id} not found in namespace '{namespace}'")
    app = req.app
    return Stream(stream(app.logs.get(job_id), None, app.keepalive, app.stopping))


# -- scheduled jobs and webhooks -----------------------------------------------------------------


@private
def scheduled_page(req: Request, namespace: str) -> Page:
    if namespace not in render.NAMESPACES:
        return _not_found(f"No namespace {namespace!r} here: use local or local-org")
    rows = req.app.store.select("scheduled_jobs", "namespace = ?", (namespace,))
    lines = []
    for r in rows:
        sj = render.scheduled_view(r)
        lines.append(
            f"<tr><td><a href='/scheduled-jobs/{escape(namespace)}/{escape(sj['id'])}'>"
            f"<code>{escape(sj['id'])}</code></a></td><td><code>{escape(sj['schedule'])}</code></td>"
            f"<td>{'suspended' if sj['suspend'] else 'active'}</td>"
            f"<td>{_command(sj['jobSpec'])}</td><td>{_text(sj['status']['nextJobRunAt'])}</td></tr>"
        )
    table = (
        "<table><tr><th>Scheduled job</th><th>Schedule</th><th>State</th><th>Command</th>"
        "<th>Next run</th></tr>" + "".join(lines) + "</table>"
        if lines
        else "<p class=muted>No scheduled jobs.</p>"
    )
    return _page("Scheduled jobs", f"<h1>Scheduled jobs of {escape(namespace)}</h1>{table}")


@private
def scheduled_one(req: Request, namespace: str, sj_id: str) -> Page:
    row = req.app.store.get("scheduled_jobs", sj_id)
    if row is None or row["namespace"] != namespace:
        return _not_found(f"Scheduled job {sj_id} not found in namespace '{namespace}'")
    sj = render.scheduled_view(row)
    spec = sj["jobSpec"]
    last = sj["status"]["lastJob"]
    last_html = (
        f"<a href='/jobs/{escape(namespace)}/{escape(last['id'])}'><code>{escape(last['id'])}</code></a>"
        if last
        else _text(None)
    )
    pairs = [
        ("Schedule", f"<code>{escape(sj['schedule'])}</code>"),
        ("State", "suspended" if sj["suspend"] else "active"),
        ("Concurrency", _text(sj["concurrency"])),
        ("Next run", _text(sj["status"]["nextJobRunAt"])),
        ("Last job", last_html),
        ("Image", escape(spec.get("dockerImage") or f"Space {spec.get('spaceId')}")),
        ("Command", _command(spec)),
        ("Flavor", escape(spec.get("flavor") or "")),
        ("Timeout", _text(spec.get("timeoutSeconds"))),
        ("Environment", _text(spec.get("environment"))),
        ("Secrets", _text(spec.get("secrets"))),  # names only (public_spec)
        ("Labels", _text(spec.get("labels"))),
        ("Created", _text(sj["createdAt"])),
    ]
    return _page(
        f"Scheduled job {sj_id}",
        f"<h1>Scheduled job <code>{escape(sj_id)}</code></h1>{_rows(pairs)}",
    )


@private
def webhooks_page(req: Request) -> Page:
    lines = []
    for r in req.app.store.select("webhooks", order="seq ASC"):
        wh = render.webhook_view(r)
        target = wh["url"] or ("job " + shlex.join((wh["job"] or {}).get("command", [])))
        watched = ", ".join(f"{w['type']}:{w['name']}" for w in wh["watched"])
        lines.append(
            f"<tr><td><a href='/settings/webhooks/{escape(wh['id'])}'><code>{escape(wh['id'])}</code>"
            f"</a></td><td>{escape(watched)}</td><td>{escape(target)}</td>"
            f"<td>{'disabled' if wh['disabled'] else 'enabled'}</td></tr>"
        )
    table = (
        "<table><tr><th>Webhook</th><th>Watched</th><th>Target</th><th>State</th></tr>"
        + "".join(lines)
        + "</table>"
        if lines
        else "<p class=muted>No webhooks.</p>"
    )
    return _page("Webhooks", f"<h1>Webhooks</h1>{table}")


@private
def webhook_one(req: Request, wh_id: str) -> Page:
    row = req.app.store.get("webhooks", wh_id)
    if row is None:
        return _not_found(f"Webhook {wh_id} not found")
    wh = render.webhook_view(row)
    job = wh["job"] or {}
    pairs = [
        ("Watched", _text(wh["watched"])),
        ("Domains", _text(wh["domains"])),
        ("State", "disabled" if wh["disabled"] else "enabled"),
        ("URL", _text(wh["url"])),
        ("Job image", _text(job.get("dockerImage") or job.get("spaceId"))),
        ("Job command", _command(job) if job else _text(None)),
        ("Job secrets", _text(job.get("secrets"))),  # names only
        ("Signing secret", "set" if wh["secret"] else _text(None)),
        ("Created", _text(wh["createdAt"])),
    ]
    return _page(f"Webhook {wh_id}", f"<h1>Webhook <code>{escape(wh_id)}</code></h1>{_rows(pairs)}")


@private
def repo_page(req: Request, owner: str, name: str, kind: str = "model") -> Page:
    """The repository URL of a webhook payload (`url.web`): what the emulator knows of it."""
    from hfjobs_cli.emulator.containers import hf_cache_dir

    repo = f"{owner}/{name}"
    hooks = [
        render.webhook_view(r)
        for r in req.app.store.select("webhooks", order="seq ASC")
        if any(w["type"] == kind and w["name"] == repo for w in r["watched"])
    ]
    links = "".join(
        f"<li><a href='/settings/webhooks/{escape(h['id'])}'><code>{escape(h['id'])}</code></a></li>"
        for h in hooks
    )
    cache = hf_cache_dir() / f"{kind}s--{owner}--{name}" / "snapshots"
    revisions = sorted(p.name for p in cache.iterdir()) if cache.is_dir() else []
    pairs = [
        ("Type", escape(kind)),
        ("Webhooks watching it", f"<ul>{links}</ul>" if links else _text(None)),
        (
            "In the local Hugging Face cache",
            _text(revisions) if revisions else "no (an hf:// volume of it cannot be mounted)",
        ),
    ]
    body = (
        f"<h1>{escape(kind.title())} <code>{escape(repo)}</code></h1>"
        "<p class=muted>The emulator keeps no repositories: this is the page of the URL its "
        "webhook payloads give for this one.</p>" + _rows(pairs)
    )
    return _page(repo, body)


def _repo_route(prefix: str, kind: str):
    def handler(req: Request, owner: str, name: str) -> Page:
        if owner in RESERVED:  # e.g. an unknown /api/... path stays the API's JSON 404
            raise ApiError(f"Not found: GET {req.path}", status=404)
        return repo_page(req, owner=owner, name=name, kind=kind)

    return route("GET", f"{prefix}/{{owner}}/{{name}}", handler, public=True)


ROUTES = [
    route("POST", "/api/emulator/page-login", login_url),
    route("GET", "/pages/login", login, public=True),
    route("GET", "/", home, public=True),
    route("GET", "/jobs/{namespace}", jobs_page, public=True),
    route("GET", "/jobs/{namespace}/{job_id}", job_page, public=True),
    route("GET", "/jobs/{namespace}/{job_id}/status.json", job_status, public=True),
    route("GET", "/jobs/{namespace}/{job_id}/log-events", job_log_events, public=True),
    route("GET", "/scheduled-jobs/{namespace}", scheduled_page, public=True),
    route("GET", "/scheduled-jobs/{namespace}/{sj_id}", scheduled_one, public=True),
    route("GET", "/settings/webhooks", webhooks_page, public=True),
    route("GET", "/settings/webhooks/{wh_id}", webhook_one, public=True),
    # Last: `/{owner}/{name}` would match the pages above.
    _repo_route("/datasets", "dataset"),
    _repo_route("/spaces", "space"),
    _repo_route("/buckets", "bucket"),
    _repo_route("", "model"),
]
