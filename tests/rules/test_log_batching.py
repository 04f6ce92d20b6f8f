"""Log lines made on the event loop are written together a moment later; a warning, a line
made outside a loop and a flush (at exit too) write what waits at once, in order."""

import asyncio
import io
import logging
import sys
import weakref

from bot.core.logs import BATCH_SECONDS, TEXT_FORMAT, BatchingStreamHandler, TextFormatter


def batched_logger():
    """A logger of its own (not the root's) writing through a batching handler to a string."""
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.Logger("test-batching", logging.DEBUG)
    logger.propagate = False
    logger.addHandler(handler)
    return logger, handler, stream


async def test_a_routine_line_on_the_loop_is_written_a_moment_later():
    """An INFO line made inside a running loop is not written at once, but is within a few
    batch periods."""
    logger, _, stream = batched_logger()
    logger.info("one")
    assert stream.getvalue() == ""
    await asyncio.sleep(BATCH_SECONDS * 3)
    assert stream.getvalue() == "INFO one\n"


async def test_a_warning_writes_what_waits_first_then_itself():
    """A warning on the loop is written at once, after the routine line made before it."""
    logger, _, stream = batched_logger()
    logger.info("routine")
    logger.warning("trouble")
    assert stream.getvalue() == "INFO routine\nWARNING trouble\n"


def test_a_line_outside_any_loop_is_written_at_once():
    """With no event loop running there is no timer to write it later: it goes at once."""
    logger, _, stream = batched_logger()
    logger.info("plain")
    assert stream.getvalue() == "INFO plain\n"


async def test_a_flush_writes_the_waiting_lines():
    """flush() writes the lines still waiting, in order, without waiting for the timer."""
    logger, handler, stream = batched_logger()
    logger.info("first")
    logger.debug("second")
    handler.flush()
    assert stream.getvalue() == "INFO first\nDEBUG second\n"


async def test_shutting_logging_down_at_exit_writes_the_waiting_lines():
    """logging.shutdown, which runs at exit, leaves no waiting line unwritten."""
    logger, handler, stream = batched_logger()
    logger.info("last words")
    logging.shutdown([weakref.ref(handler)])
    assert stream.getvalue() == "INFO last words\n"


def test_each_loop_in_turn_gets_its_lines_written():
    """A line whose loop ended before its timer fired, then a line on a second loop: the
    second loop gets a timer of its own, which writes both, in order."""
    logger, _, stream = batched_logger()

    async def first() -> None:
        logger.info("one")  # the loop ends at once, before the timer fires

    async def second() -> None:
        logger.info("two")
        await asyncio.sleep(BATCH_SECONDS * 3)

    asyncio.run(first())
    asyncio.run(second())
    assert stream.getvalue() == "INFO one\nINFO two\n"


def test_the_text_formatter_writes_what_the_standard_one_would():
    """Line for line the same as logging's own formatter with TEXT_FORMAT: plain, with
    arguments, in a later second, with a traceback and with a stack."""
    fast, standard = TextFormatter(), logging.Formatter(TEXT_FORMAT)
    try:
        raise ValueError("boom")
    except ValueError:
        failure = sys.exc_info()
    cases = [
        ("bot", logging.INFO, "plain", (), None, None),
        ("bot.x", logging.WARNING, "a %s b %d", ("x", 3), None, None),
        ("bot", logging.ERROR, "failed", (), failure, None),
        ("bot", logging.INFO, "ends\n", (), None, "Stack:\n  x"),
    ]
    for offset, case in enumerate(cases):
        assert fast.format(made(case, offset)) == standard.format(made(case, offset))


def made(case, offset):
    """A record of `case`, made `offset` * 1.5 s after a fixed moment (a new second now and
    then), its milliseconds alternating."""
    name, level, msg, args, exc_info, stack = case
    record = logging.LogRecord(name, level, "f", 1, msg, args, exc_info, sinfo=stack)
    record.created = 1_767_000_000.25 + 1.5 * offset
    record.msecs = 250.0 if offset % 2 == 0 else 750.0
    return record
