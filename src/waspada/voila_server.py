"""The Voila server `waspada serve` runs (``python -m waspada.voila_server``; imported by that
process only): Voila 0.5 with a room of limited size.

Voila starts a kernel (45-60 MB) for every page request, with no limit of its own (Jupyter
Server has no maximum either), so a script could fill a laptop's memory in a minute. Here:

- ``WaspadaKernelManager`` counts the kernels running, starting and promised, and refuses a
  page when they reach ``max_kernels``: the visitor gets a small translated "the room is full"
  page (HTTP 503) with a Quick exit, and no kernel;
- one client address may open ``room.BURST`` pages at once, then one every
  ``room.REFILL_SECONDS`` (HTTP 429, the same kind of page): a token bucket in memory only.
  This computer's own address is exempt (the trainer; with a local reverse proxy every visitor
  would share it) unless ``--WaspadaVoila.limit_loopback=True`` (tests, benchmarks);
- a kernel whose page never connected (a script that only fetches pages) is shut down after
  ``unclaimed_seconds`` instead of the idle timeout of two minutes;
- ``/`` and ``/voila/tree`` redirect to the gallery: Voila's file list sets an ``_xsrf`` cookie
  and links Font Awesome from a CDN; its data API (``/voila/api/contents``, which also hands
  out the notebooks' sources) is gone with it;
- only the notebooks of widgets/ can be rendered, and no request is logged with its address.

Jupyter Server also gives every visitor of a server without a token a random anonymous user
name and keeps it in a cookie (``username-<host>-<port>``); ``CookielessIdentityProvider`` still
names each request's anonymous user, but never stores the name in the browser.
"""

from __future__ import annotations

import contextvars
import datetime
import html
import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import tornado.httputil
import tornado.web
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Bool, Float, Integer, Unicode
from voila.app import Voila
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler
from voila.voila_identity_provider import VoilaIdentityProvider

from .admission import BURST, REFILL_SECONDS, Reservations, TokenBuckets, is_loopback
from .assets import quick_exit_link
from .i18n import available_languages, translator
from .i18n.ui import APP_MESSAGES, UI_CONTEXT, UI_MESSAGES

STATIC = Path(__file__).parent / "share" / "voila" / "templates" / "waspada" / "static"
GALLERY = "gallery.ipynb"
# How often, at most, the terminal hears that visitors were sent away (a count, never who).
REFUSAL_REPORT_SECONDS = 60


class CookielessIdentityProvider(VoilaIdentityProvider):
    """Voila's identity provider without the login cookie."""

    def set_login_cookie(self, handler: Any, user: Any) -> None:
        return None


# The start_kernel call a pre_start_kernel belongs to (the same task awaits both).
_START: contextvars.ContextVar[dict[str, bool]] = contextvars.ContextVar("waspada_start")


class WaspadaKernelManager(AsyncMappingKernelManager):
    """Jupyter Server's kernel manager with a maximum number of kernels (Voila makes its pool
    of warm kernels from this class)."""

    max_kernels = Integer(20, config=True, help="Kernels at most, the warm ones included.")
    unclaimed_seconds = Integer(
        60, config=True, help="Shut down a kernel whose page has not connected after this long."
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._starting = 0
        self._reservations = Reservations()
        self._connected_once: set[str] = set()

    def _kernel_count(self) -> int:
        """Kernels running or starting, each once: jupyter_client notes a kernel as pending as
        soon as it has an id, and as running only once it answers; a start that has not got
        its id yet is counted by ``start_kernel``."""
        pending = {k for k, task in self._pending_kernels.items() if not task.done()}
        return len(self._kernels.keys() | pending) + self._starting

    def occupied(self) -> int:
        """Kernels running or starting, and places promised to admitted visitors."""
        return self._kernel_count() + len(self._reservations)

    def admit(self) -> bool:
        """Reserve a kernel for one more visitor if the room has space."""
        return self._reservations.reserve_if(self._kernel_count(), self.max_kernels)

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        # Every start (a visitor's own kernel, or the warm kernel replacing the one a visitor
        # took) follows one admission: it turns that reservation into a starting kernel.
        self._reservations.use_one()
        call = {"has_id": False}
        token = _START.set(call)
        self._starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            if not call["has_id"]:
                self._starting -= 1
            _START.reset(token)

    def pre_start_kernel(self, *args: Any, **kwargs: Any) -> Any:
        # The kernel gets its id here and is pending from now on: no longer counted as starting.
        result = super().pre_start_kernel(*args, **kwargs)
        call = _START.get(None)
        if call is not None and not call["has_id"]:
            call["has_id"] = True
            self._starting -= 1
        return result

    def notify_connect(self, kernel_id: str) -> None:
        self._connected_once.add(kernel_id)
        super().notify_connect(kernel_id)

    def remove_kernel(self, kernel_id: str) -> Any:
        self._connected_once.discard(kernel_id)
        return super().remove_kernel(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        # Voila's pool class overrides this too and never gets here for a warm kernel.
        kernel = self._kernels.get(kernel_id)
        if kernel is None:
            return
        last = getattr(kernel, "last_activity", None)
        if kernel_id not in self._connected_once and last is not None:
            idle = datetime.datetime.now(datetime.UTC) - last
            if idle.total_seconds() > self.unclaimed_seconds:
                self.log.info("Shutting down a kernel whose page never connected.")
                await self.shutdown_kernel(kernel_id)
                return
        await super().cull_kernel_if_idle(kernel_id)


def refusal_page(kind: str, lang: str, locales_dir: Path | None, gallery_link: bool) -> str:
    """The small page a visitor gets instead of a kernel: ``kind`` is "room_full" or
    "too_fast". In the visitor's language, with a link to try again (this same address), one
    back to the gallery and the Quick exit; no script other than the Quick exit's."""
    tr = translator(locales_dir, lang)
    links = [f'<a href="">{html.escape(tr(UI_CONTEXT, APP_MESSAGES["try_again"]))}</a>']
    if gallery_link:
        href = GALLERY + "?" + urlencode({"lang": lang})
        title = tr(UI_CONTEXT, APP_MESSAGES["gallery_title"])
        links.append(f'<a href="{html.escape(href)}">← {html.escape(title)}</a>')
    css = (STATIC / "quickexit.css").read_text(encoding="utf-8")
    script = (STATIC / "quickexit.js").read_text(encoding="utf-8")
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(tr(UI_CONTEXT, APP_MESSAGES['gallery_title']))}</title>"
        f"<style>{css}\nbody {{ font: 1.1rem/1.5 system-ui, sans-serif; color: #1b1b1b; "
        "max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }\n"
        "a { color: #0b5394; font-weight: 700; margin-right: 1.2rem; }</style></head><body>"
        f'<main><p class="wsp-app-message" role="status">'
        f"{html.escape(tr(UI_CONTEXT, APP_MESSAGES[kind]))}</p>"
        f'<p class="wsp-app-links">{" ".join(links)}</p></main>'
        f"{quick_exit_link(tr(UI_CONTEXT, UI_MESSAGES['quick_exit']))}"
        f"<script>{script}</script></body></html>"
    )


class GatedVoilaHandler(TornadoVoilaHandler):
    """Voila's page handler behind the door: known notebooks only, a kernel only while the
    room has space and the address has tokens left."""

    async def get(self, path: str | None = None) -> None:
        settings = self.settings
        if path not in settings["waspada_notebooks"]:
            raise tornado.web.HTTPError(404)
        kind = None
        address = self.request.remote_ip or ""
        limited = settings["waspada_limit_loopback"] or not is_loopback(address)
        if limited and not settings["waspada_buckets"].take(address):
            kind, status = "too_fast", 429
        elif not self.kernel_manager.admit():
            kind, status = "room_full", 503
        if kind is None:
            await super().get(path)
            return
        settings["waspada_refusals"].count(kind, self.kernel_manager, self.log)
        codes = settings["waspada_languages"]
        lang = self.get_argument("lang", "en")
        lang = lang if lang in codes else "en"
        key = (kind, lang, path != GALLERY)
        pages = settings["waspada_pages"]
        if key not in pages:
            pages[key] = refusal_page(kind, lang, settings["waspada_locales"], path != GALLERY)
        self.set_status(status)
        self.set_header("Retry-After", "60")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(pages[key])


class Refusals:
    """Counts the visitors sent away, and says so in the terminal at most once a minute."""

    def __init__(self) -> None:
        self.counts = {"room_full": 0, "too_fast": 0}
        self.reported = 0.0

    def count(self, kind: str, kernels: WaspadaKernelManager, log: logging.Logger) -> None:
        self.counts[kind] += 1
        now = time.monotonic()
        if now - self.reported >= REFUSAL_REPORT_SECONDS:
            self.reported = now
            log.warning(
                "Visitors asked to come back later so far: %d (room full, %d kernels of %d), "
                "%d (too many pages from one device).",
                self.counts["room_full"],
                kernels.occupied(),
                kernels.max_kernels,
                self.counts["too_fast"],
            )


class GalleryRedirect(tornado.web.RequestHandler):
    """``/`` and Voila's file list go to the gallery (with the same query, e.g. ``?lang=id``)."""

    def get(self, *args: Any, **kwargs: Any) -> None:
        query = self.request.query
        self.redirect(
            f"{self.settings['base_url']}voila/render/{GALLERY}" + (f"?{query}" if query else "")
        )


def _summary_without_address(handler: tornado.web.RequestHandler) -> str:
    return f"{handler.request.method} {handler.request.path}"


def _request_without_address(request: tornado.httputil.HTTPServerRequest) -> str:
    return f"{type(request).__name__}(method={request.method!r}, path={request.path!r})"


# Tornado names the client's address in its warnings ("403 GET /x (10.0.0.7): ...") and in the
# request it prints with an uncaught error: this process is Voila's alone, so both lose it here.
tornado.web.RequestHandler._request_summary = _summary_without_address  # type: ignore[method-assign]
tornado.httputil.HTTPServerRequest.__repr__ = _request_without_address  # type: ignore[method-assign]


def log_without_address(handler: tornado.web.RequestHandler) -> None:
    """Tornado's access log names the client's address; this one names only the request."""
    status = handler.get_status()
    if status < 400 or status in (429, 503):  # refusals are counted by Refusals instead
        return
    logging.getLogger("tornado.access").warning(
        "%d %s %s", status, handler.request.method, handler.request.path
    )


class WaspadaVoila(Voila):
    """Voila with the door above (its page handler, file list and settings replaced)."""

    burst = Integer(BURST, config=True, help="Pages one address may open at once.")
    refill_seconds = Float(REFILL_SECONDS, config=True, help="Then one page every so often.")
    limit_loopback = Bool(
        False,
        config=True,
        help="Rate-limit this computer's own address too (for tests and benchmarks): its user "
        "is the trainer, and behind a local reverse proxy every visitor would share it.",
    )

    live_db = Unicode(
        "", config=True, help="The live rooms' SQLite file: set, the live classroom is served."
    )
    live_origin = Unicode("", config=True, help="The address phones type (http://host:port).")

    def init_settings(self) -> dict:
        settings = super().init_settings()
        root = Path(self.root_dir)
        project_root = root.parent
        locales = project_root / "locales"
        if self.live_db:
            from .live.server import Live
            from .live.store import SqliteRoomStore
            from .project import Project

            settings["waspada_live"] = Live(
                SqliteRoomStore(Path(self.live_db)),
                Project.discover(project_root),
                origin=self.live_origin or f"http://127.0.0.1:{self.port}",
                limit_loopback=self.limit_loopback,
            )
        settings.update(
            log_function=log_without_address,
            waspada_notebooks=frozenset(p.name for p in root.glob("*.ipynb")),
            waspada_buckets=TokenBuckets(self.burst, self.refill_seconds),
            waspada_limit_loopback=self.limit_loopback,
            waspada_refusals=Refusals(),
            waspada_pages={},
            waspada_locales=locales if locales.is_dir() else None,
            waspada_languages=frozenset(
                code for code, _ in (available_languages(locales) if locales.is_dir() else [])
            )
            | {"en"},
        )
        return settings

    def init_handlers(self) -> list:
        handlers = []
        if self.live_db:
            from .live.server import live_handlers

            handlers.extend(live_handlers(self.base_url))
        for pattern, handler, *rest in super().init_handlers():
            if handler is VoilaContentsHandler:
                continue  # the file list's data (notebook sources too); no page of ours uses it
            if handler is TornadoVoilaTreeHandler:
                handlers.append((pattern, GalleryRedirect))
            elif handler is TornadoVoilaHandler:
                handlers.append((pattern, GatedVoilaHandler, *rest))
            else:
                handlers.append((pattern, handler, *rest))
        return handlers


main = WaspadaVoila.launch_instance

if __name__ == "__main__":
    main()
