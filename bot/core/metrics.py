"""What the bot counts for Prometheus (served on OPS_PORT by bot.core.ops).

Each bot has a registry of its own, not the client library's global one, so several bots in
one process (tests) never share a counter. Labels say what kind of thing happened, never to
whom: no member or server ids, no answers, no scores.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

# an answer must start within Discord's 3 s; the buckets resolve that range finely
INTERACTION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
PACER_BUCKETS = (0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The bot's counters; what is only known when asked (gateway latency, the lead, the
    pacer's queue) is read through the callables at each scrape."""

    def __init__(
        self,
        *,
        shard_latencies: Callable[[], Iterable[tuple[int, float]]],
        leading: Callable[[], bool],
        pacer_waiting: Callable[[], int],
    ) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.interactions = Counter(
            "sciatica_interactions",
            "Interactions handled, by command (or 'component') and outcome",
            ["command", "outcome"],
            registry=registry,
        )
        self.interaction_latency = Histogram(
            "sciatica_interaction_latency_seconds",
            "From the interaction's creation at Discord to the bot finishing with it",
            ["command"],
            buckets=INTERACTION_BUCKETS,
            registry=registry,
        )
        self._interaction_series: dict[tuple[str, str], tuple[Counter, Histogram]] = {}
        self.reminders = Counter(
            "sciatica_reminders",
            "Reminder and stretch-break deliveries this process recorded, by outcome",
            ["outcome"],
            registry=registry,
        )
        self.reminders_late = Counter(
            "sciatica_reminders_late",
            "Deliveries sent after their time (the bot was down or behind)",
            registry=registry,
        )
        self.reminders_held = Counter(
            "sciatica_reminders_held",
            "Deliveries sent after the member's quiet hours held them",
            registry=registry,
        )
        self.pacer_wait = Histogram(
            "sciatica_pacer_wait_seconds",
            "How long a request the bot makes on its own waited for the send pace",
            buckets=PACER_BUCKETS,
            registry=registry,
        )
        pacer_queue = Gauge(
            "sciatica_pacer_queue_depth",
            "Requests waiting for the send pace right now",
            registry=registry,
        )
        pacer_queue.set_function(lambda: float(pacer_waiting()))
        self.responses_429 = Counter(
            "sciatica_discord_responses_429",
            "Responses 429 (rate limited) from Discord, by X-RateLimit-Scope",
            ["scope"],
            registry=registry,
        )
        registry.register(_LiveState(shard_latencies, leading))

    def interaction(self, command: str, outcome: str, latency_seconds: float) -> None:
        """`outcome` is a word (ok, refused, error): an error's id stays in the log.

        Each (command, outcome)'s series is looked up once and kept: this runs for every
        interaction, and the commands and outcomes are few."""
        series = self._interaction_series.get((command, outcome))
        if series is None:
            series = (
                self.interactions.labels(command, outcome),
                self.interaction_latency.labels(command),
            )
            self._interaction_series[command, outcome] = series
        series[0].inc()
        series[1].observe(max(0.0, latency_seconds))

    def delivery(self, outcome: str, *, late: bool = False, held: bool = False) -> None:
        self.reminders.labels(outcome).inc()
        if outcome == "sent" and late:
            self.reminders_late.inc()
        if outcome == "sent" and held:
            self.reminders_held.inc()

    def rate_limited(self, scope: str) -> None:
        self.responses_429.labels(scope).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _LiveState(Collector):
    """Gateway latency per shard and the dispatcher's lead, read at scrape time."""

    def __init__(
        self,
        shard_latencies: Callable[[], Iterable[tuple[int, float]]],
        leading: Callable[[], bool],
    ) -> None:
        self._latencies = shard_latencies
        self._leading = leading

    def collect(self) -> Iterator[Metric]:
        latency = GaugeMetricFamily(
            "sciatica_gateway_latency_seconds",
            "Heartbeat round trip of each shard's gateway connection in this process",
            labels=["shard"],
        )
        for shard, seconds in self._latencies():
            if math.isfinite(seconds):  # no heartbeat answered yet
                latency.add_metric([str(shard)], seconds)
        yield latency
        yield GaugeMetricFamily(
            "sciatica_dispatcher_leader",
            "1 while this process holds the dispatcher's lead (sends the reminders), else 0",
            value=1.0 if self._leading() else 0.0,
        )
