"""The bot itself: wires the core services, loads the feature cogs, syncs commands on purpose."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.core.bundle import Content
from bot.core.contracts import (
    CONFIG_GROUP,
    FEATURE_COMMAND,
    FEATURE_OPTION,
    config_commands,
    guild_data,
    toggles,
)
from bot.core.delivery import sort_failure
from bot.core.discord_internals import (
    amortise_bucket_cleanup,
    bot_gateway,
    global_limit_event,
    interaction_from,
    keep_only_views_with_state,
    pace_requests,
    pacing_middleware,
    set_choices,
    silence_voice_warnings,
    track_interactions,
    use_gateway,
)
from bot.core.errors import decline_stopping, report_error, send_private
from bot.core.forms import FormRoutes, answer_form
from bot.core.guild_config import GuildConfigCache
from bot.core.leadership import Leadership
from bot.core.operations import bot_metrics, start_operations, stop_operations
from bot.core.ops import OpsServer
from bot.core.pacing import RateLimiter
from bot.core.settings import Settings
from bot.core.shards import IdentifyClaims, IdentifyPacer, shard_of
from bot.scheduling.clock import Clock
from bot.scheduling.dispatcher import Scheduler
from bot.scheduling.planning import plan_reminder
from bot.storage import Database, DatabaseError, SqliteDatabase, Stores, send_budget

log = logging.getLogger("bot")


ClientT = TypeVar("ClientT", bound=discord.Client)
"""The client type discord.py's generic hooks (cog and group checks, dynamic items) are
declared with; overriding them keeps it, and `sciatica_interaction` narrows to this bot."""

SHUTDOWN_GRACE_SECONDS = 5.0
"""How long a shutdown waits for interactions being handled to answer before it closes."""
FILE_CHECK_SECONDS = 10.0
"""How often the SQLite file's path is checked between writes (each write checks it too)."""

EXTENSIONS = (
    "cogs.learn",
    "cogs.meta",
    "cogs.quickcheck",
    "cogs.reminders",
    "cogs.privacy",
    "cogs.config",
    "cogs.stretch_breaks",
    "cogs.progress",
)
"""The cog modules, listed rather than found: where several features answer together they
answer in this order (/privacy show and export: reminders, config, stretch breaks, progress;
after a stretch: moved reminders, then the pain question), and any found order would change it."""


class SciaticaTree(app_commands.CommandTree["SciaticaBot"]):
    """The command tree: a failed command answers the member privately and is logged once."""

    async def on_error(
        self, interaction: discord.Interaction[SciaticaBot], error: app_commands.AppCommandError
    ) -> None:
        outcome = await report_error(interaction, error, self.client.messages)
        name = f"/{interaction.command.qualified_name}" if interaction.command else "command"
        self.client.log_interaction(interaction, name, outcome)


class SciaticaBot(commands.AutoShardedBot):
    """A slash-command-only bot: no privileged intents, no message content, no pings.

    It runs the shards it is given (SHARD_COUNT, SHARD_IDS), or all of Discord's recommended
    count; with one shard that is the same single connection an unsharded bot makes."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        content: Content,
        clock: Clock,
        *,
        force_sync: bool = False,
    ) -> None:
        silence_voice_warnings()
        intents = discord.Intents.none()
        intents.guilds = True
        # one pace for every request the bot makes on its own (DMs, posts, edits, DM channels),
        # whichever feature makes it; answers to interactions are not held back by it
        self.pacer = RateLimiter(
            settings.send_rate_per_second, global_gate=lambda: global_limit_event(self.http)
        )
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            tree_cls=SciaticaTree,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=settings.shard_count,
        )
        # given only when set (discord.py's options take a list, not None); settings already
        # refused SHARD_IDS without SHARD_COUNT, the one check discord.py would make of it
        self.shard_ids = list(settings.shard_ids) if settings.shard_ids is not None else None
        amortise_bucket_cleanup(self.http)
        keep_only_views_with_state(self)
        self.settings = settings
        self.stores = Stores(database)
        self.metrics = bot_metrics(self)
        self.ops: OpsServer | None = None
        self.budget = None if force_sync else send_budget(database)
        self.content = content
        self.messages = content.messages
        self.clock = clock
        self.guild_config = GuildConfigCache(self.stores.guild_settings, now=self.unix_now)
        self.scheduler = Scheduler(
            self.stores.ledger,
            clock,
            plan_reminder,
            batch_size=max(1, int(settings.send_rate_per_second)),
            woken_by=self.stores.reminders.changes,
            sort_failure=sort_failure,
        )
        # every process can dispatch; the one holding the lead does
        self.leadership = Leadership(
            database, on_elected=self.scheduler.start, on_deposed=self.scheduler.stop
        )
        self.version = __version__
        self.started_monotonic = time.monotonic()
        self.force_sync = force_sync
        self.identify_pacer = IdentifyPacer()
        self.identify_claims = IdentifyClaims(self.stores.transaction)
        self.closing = False
        self.stopped_because: str | None = None  # why the bot stopped itself, if it did
        self.forms = FormRoutes()
        self._interactions = track_interactions(self, self._admit)
        self._file_watch: asyncio.Task[None] | None = None

    @property
    def runs_shard_zero(self) -> bool:
        """Shard 0 receives every DM; its process also owns the command sync."""
        return self.shard_ids is None or 0 in self.shard_ids

    async def setup_hook(self) -> None:
        pace_requests(
            self.http,
            pacing_middleware(
                self.pacer, lambda: self.application_id, lambda s: self.metrics.rate_limited(s)
            ),
        )
        await start_operations(self)  # first: /healthz and /readyz answer at once
        if not self.force_sync:
            await self._prepare_gateway()
        for extension in EXTENSIONS:
            try:
                await self.load_extension(extension)
            except commands.ExtensionError:
                log.exception(
                    "extension %s failed to load; the rest of the bot carries on", extension
                )
        self._join_features_to_config()
        if self.force_sync or self.runs_shard_zero:
            await self.sync_commands_if_changed(force=self.force_sync)
        else:
            log.info("application commands are synced by the process that runs shard 0")
        # everything loaded so far lives as long as the bot: keep it out of the collector's
        # scans so full collections stay short while members wait for an answer
        gc.collect()
        gc.freeze()
        if not self.force_sync:
            self.leadership.start()
            database = self.stores.database
            if isinstance(database, SqliteDatabase):
                self._file_watch = asyncio.create_task(
                    self._watch_database_file(database), name="database-file-watch"
                )

    async def close(self) -> None:
        """Stop dispatching, stop taking interactions, let those being handled answer (a few
        seconds at most), then close the connections they answer through."""
        self.closing = True
        if self._file_watch is not None and self._file_watch is not asyncio.current_task():
            self._file_watch.cancel()
        self.identify_claims.cancel()
        await self.leadership.stop()
        await self.scheduler.stop()
        await self._let_interactions_answer()
        await super().close()
        await stop_operations(self)

    def _admit(self, payload: dict[str, Any]) -> bool:
        """Interactions arriving once the bot is stopping are told so, and a form some feature
        answers goes to it: discord.py handles neither."""
        if self.closing:
            if payload.get("type") != discord.InteractionType.autocomplete.value:
                stopping = interaction_from(self, payload)
                self._answer(stopping, "interaction", decline_stopping(stopping, self.messages))
            return False
        form = self.forms.find(payload)
        if form is None:
            return True
        interaction = interaction_from(self, payload)
        self._answer(interaction, "form", answer_form(interaction, *form, self.messages))
        return False

    def _answer(
        self, interaction: discord.Interaction[Any], name: str, answering: Awaitable[str]
    ) -> None:
        """Answer and log, in a task kept until it ends: a shutdown waits for it."""

        async def answer_and_log() -> None:
            self.log_interaction(interaction, name, await answering)

        task = asyncio.create_task(answer_and_log())
        self._interactions.add(task)
        task.add_done_callback(self._interactions.discard)

    async def _let_interactions_answer(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SHUTDOWN_GRACE_SECONDS
        while self._interactions and (left := deadline - loop.time()) > 0:
            await asyncio.wait(set(self._interactions), timeout=left)
        if self._interactions:
            log.warning(
                "%d interactions still running after %g s; stopping anyway",
                len(self._interactions),
                SHUTDOWN_GRACE_SECONDS,
            )

    async def _watch_database_file(self, database: SqliteDatabase) -> None:
        """Once the SQLite file at DATABASE_PATH is no longer the one open (deleted, replaced;
        each write checks, and this every few seconds), save what it holds and stop."""
        file = database.file
        if file is None:
            return
        while (problem := file.check()) is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(file.lost.wait(), FILE_CHECK_SECONDS)
        log.critical("%s: saving what it holds, then stopping", problem)
        try:
            await database.save_open_copy()
        except (DatabaseError, OSError, sqlite3.Error):
            log.exception("could not save what the database file held")
        self.stopped_because = problem
        await self.close()

    def unix_now(self) -> int:
        return int(self.clock.now().timestamp())

    async def _prepare_gateway(self) -> None:
        """One GET /gateway/bot: where the gateway is (behind a REST proxy or a local test
        Discord too), the recommended shard count when none is set, and the identify limit."""
        recommended, url, limits = await bot_gateway(self.http)
        use_gateway(url)
        if self.settings.shard_count is None:  # discord.py declares it int; None until here
            self.shard_count = recommended
        self.identify_pacer = IdentifyPacer(int(limits.get("max_concurrency") or 1))
        shard_ids = self.shard_ids if self.shard_ids is not None else range(self.shard_count)
        log.info(
            "running shards %s of %d (Discord recommends %d; %s identifies at once, "
            "%s session starts left today)",
            ", ".join(map(str, shard_ids)),
            self.shard_count,
            recommended,
            self.identify_pacer.max_concurrency,
            limits.get("remaining", "?"),
        )

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait for this shard's identify slot (see bot.core.shards) instead of a flat 5 s."""
        delay = self.identify_pacer.reserve(shard_id or 0, time.monotonic())
        if delay > 0:
            log.info("shard %s identifies in %.1f s (Discord's identify limit)", shard_id, delay)
            await asyncio.sleep(delay)
        if self.stores.database.shared:  # other processes' shards identify too
            await self.identify_claims.claim(self.identify_pacer.bucket(shard_id or 0))

    def command_tree_payload(self) -> list[dict[str, Any]]:
        guild = self._sync_target()
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        commands_ = self.tree.get_commands(guild=guild)
        return sorted(
            (command.to_dict(self.tree) for command in commands_), key=lambda c: c["name"]
        )

    async def sync_commands_if_changed(self, *, force: bool = False) -> bool:
        """Sync only when the tree differs from the last sync: Discord caps creates at 200 a day."""
        guild = self._sync_target()
        payload = json.dumps(self.command_tree_payload(), sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(payload.encode()).hexdigest()
        key = f"command_tree:{self.application_id}:{guild.id if guild else 'global'}"
        # processes starting together take turns here: the first syncs, the others then find
        # the hash recorded and leave it
        async with self.stores.transaction() as tx:
            await tx.lock(key)
            if not force and await self.stores.state.get(key, tx) == digest:
                log.info("application commands unchanged since the last sync; not syncing")
                return False
            synced = await self.tree.sync(guild=guild)
            await self.stores.state.set(key, digest, tx)
        log.info("synced %d application commands (%s)", len(synced), key.rsplit(":", 1)[-1])
        return True

    def _sync_target(self) -> discord.Object | None:
        guild_id = self.settings.dev_guild_id
        return discord.Object(guild_id) if guild_id else None

    async def on_app_command_completion(
        self, interaction: discord.Interaction[Any], command: app_commands.Command[Any, ..., Any]
    ) -> None:
        self.log_interaction(interaction, f"/{command.qualified_name}", "ok")
        if await self.stores.members.take_closed_dms_notice(interaction.user.id):
            key = (
                "reminders.dms_closed_notice"
                if interaction.is_guild_integration()
                else "reminders.dms_closed_notice_account"
            )
            await send_private(interaction, self.messages(key))

    def _join_features_to_config(self) -> None:
        """Now that every extension is loaded: the features moderators can turn off become
        settings and /config feature's choices, and features' own commands join /config."""
        self.guild_config.toggles = toggles(self.cogs.values())
        commands_ = config_commands(self.cogs.values())
        group = self.tree.get_command(CONFIG_GROUP)
        if not isinstance(group, app_commands.Group):
            if commands_:
                log.warning("no /%s group: features' own settings cannot be changed", CONFIG_GROUP)
            return
        switch = group.get_command(FEATURE_COMMAND)
        if isinstance(switch, app_commands.Command):
            choices = [
                app_commands.Choice[str | int | float](name=toggle.display_name, value=toggle.name)
                for toggle in self.guild_config.toggles
            ]
            set_choices(switch, FEATURE_OPTION, choices)
        for command in commands_:
            group.add_command(command)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Removed from a server: its settings, audit trail and every feature's data about it
        go, in one transaction."""
        async with self.stores.transaction() as tx:
            await self.guild_config.forget(guild.id, tx)
            for feature in guild_data(self.cogs.values()):
                await feature.forget_guild(tx, guild.id)
        log.info("left guild %s; its settings were deleted", guild.id)

    def log_interaction(
        self, interaction: discord.Interaction[Any], name: str, outcome: str
    ) -> None:
        """One line per interaction: what, where, how fast, how it ended. Never what was typed."""
        latency_ms = (discord.utils.utcnow() - interaction.created_at).total_seconds() * 1000
        guild_id = interaction.guild_id
        shard = shard_of(guild_id, self.shard_count or 1) if guild_id else 0
        error_id = outcome.removeprefix("error ") if outcome.startswith("error ") else None
        self.metrics.interaction(name, outcome.split(" ", 1)[0], latency_ms / 1000)
        log.info(
            "interaction %s guild=%s shard=%d latency=%.0fms outcome=%s",
            name,
            guild_id or "dm",
            shard,
            latency_ms,
            outcome,
            extra={"shard": shard, "error_id": error_id},
        )

    def uptime_seconds(self) -> float:
        return time.monotonic() - self.started_monotonic


def sciatica_interaction(interaction: discord.Interaction[Any]) -> discord.Interaction[SciaticaBot]:
    """The interaction, typed as this bot's: every feature runs in a SciaticaBot, and a hook
    discord.py declares for any client is checked here once rather than cast at each use."""
    if not isinstance(interaction.client, SciaticaBot):
        raise TypeError(f"interaction {interaction.id} came through {type(interaction.client)!r}")
    return interaction
