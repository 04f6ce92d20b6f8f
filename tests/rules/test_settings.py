from pathlib import Path

import pytest

from bot.core.settings import DEFAULT_DATABASE_PATH, ConfigError, load_settings

TOKEN = "MTIzNDU2Nzg5.abcdef.ghijklmnop"


def test_defaults_with_only_a_token():
    settings = load_settings({"DISCORD_TOKEN": TOKEN})
    assert settings.token == TOKEN
    assert settings.database_path == DEFAULT_DATABASE_PATH
    assert settings.dev_guild_id is None
    assert settings.log_level == "INFO"
    assert settings.api_base is None
    assert settings.max_reminders_per_member == 10
    assert settings.send_rate_per_second == 40
    assert settings.database_url is None
    assert settings.database == DEFAULT_DATABASE_PATH  # SQLite unless a URL is given
    assert settings.log_format == "text"


def test_every_setting_is_read():
    settings = load_settings(
        {
            "DISCORD_TOKEN": TOKEN,
            "DATABASE_PATH": "/tmp/x.db",
            "DEV_GUILD_ID": "123456789012345678",
            "LOG_LEVEL": "debug",
            "DISCORD_API_BASE": "http://127.0.0.1:9999/api/v10/",
            "MAX_REMINDERS_PER_MEMBER": "3",
            "SEND_RATE_PER_SECOND": "25",
            "LOG_FORMAT": "JSON",
        }
    )
    assert settings.database_path == Path("/tmp/x.db")
    assert settings.dev_guild_id == 123456789012345678
    assert settings.log_level == "DEBUG"
    assert settings.api_base == "http://127.0.0.1:9999/api/v10"
    assert settings.max_reminders_per_member == 3
    assert settings.send_rate_per_second == 25
    assert settings.log_format == "json"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": "   "}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": "has spaces in it!"}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": TOKEN, "DEV_GUILD_ID": "abc"}, "DEV_GUILD_ID"),
        ({"DISCORD_TOKEN": TOKEN, "LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": "ftp://x"}, "DISCORD_API_BASE"),
        ({"DISCORD_TOKEN": TOKEN, "MAX_REMINDERS_PER_MEMBER": "0"}, "MAX_REMINDERS_PER_MEMBER"),
        ({"DISCORD_TOKEN": TOKEN, "SEND_RATE_PER_SECOND": "fast"}, "SEND_RATE_PER_SECOND"),
        ({"DISCORD_TOKEN": TOKEN, "DATABASE_URL": "mysql://db/x"}, "DATABASE_URL"),
        ({"DISCORD_TOKEN": TOKEN, "DATABASE_URL": "postgresql://"}, "DATABASE_URL"),
        ({"DISCORD_TOKEN": TOKEN, "LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"DISCORD_TOKEN": TOKEN, "OPS_PORT": "65536"}, "OPS_PORT"),
        ({"DISCORD_TOKEN": TOKEN, "OPS_PORT": "metrics"}, "OPS_PORT"),
        ({"DISCORD_TOKEN": TOKEN, "OPS_PORT": "9100", "OPS_HOST": "0.0.0.0 ; x"}, "OPS_HOST"),
    ],
)
def test_bad_settings_name_the_setting(env, named):
    with pytest.raises(ConfigError, match=named):
        load_settings(env)


def test_repr_never_shows_the_token():
    assert TOKEN not in repr(load_settings({"DISCORD_TOKEN": TOKEN}))


def test_a_database_url_selects_postgresql_and_its_password_stays_out_of_repr():
    url = "postgresql://bot:s3cret@db.internal:5432/companion"
    settings = load_settings({"DISCORD_TOKEN": TOKEN, "DATABASE_URL": f"  {url} "})
    assert settings.database_url == url
    assert settings.database == url
    assert "s3cret" not in repr(settings)
    short = load_settings({"DISCORD_TOKEN": TOKEN, "DATABASE_URL": "postgres://u@h/db"})
    assert short.database == "postgres://u@h/db"


def test_every_bad_setting_is_named_at_once():
    with pytest.raises(ConfigError) as caught:
        load_settings({"LOG_LEVEL": "loud", "SEND_RATE_PER_SECOND": "0", "DEV_GUILD_ID": "x"})
    problems = caught.value.problems
    assert len(problems) == 4
    for name in ("DISCORD_TOKEN", "LOG_LEVEL", "SEND_RATE_PER_SECOND", "DEV_GUILD_ID"):
        assert any(name in problem for problem in problems), name


def test_no_shard_settings_means_discords_recommended_count_in_this_process():
    settings = load_settings({"DISCORD_TOKEN": TOKEN})
    assert settings.shard_count is None and settings.shard_ids is None


def test_shard_count_alone_runs_every_shard_here():
    settings = load_settings({"DISCORD_TOKEN": TOKEN, "SHARD_COUNT": "4"})
    assert settings.shard_count == 4 and settings.shard_ids is None


def test_shard_ids_are_this_processs_share():
    settings = load_settings({"DISCORD_TOKEN": TOKEN, "SHARD_COUNT": "6", "SHARD_IDS": " 4, 0,5 "})
    assert settings.shard_count == 6 and settings.shard_ids == (4, 0, 5)


@pytest.mark.parametrize(
    ("shards", "named"),
    [
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT must be a whole number from 1 to 1024"),
        ({"SHARD_COUNT": "1025"}, "SHARD_COUNT must be a whole number from 1 to 1024"),
        ({"SHARD_COUNT": "two"}, "SHARD_COUNT"),
        ({"SHARD_IDS": "0"}, "SHARD_IDS needs SHARD_COUNT"),
        ({"SHARD_COUNT": "3", "SHARD_IDS": "3"}, "SHARD_IDS must be shard numbers from 0 to 2"),
        ({"SHARD_COUNT": "3", "SHARD_IDS": "-1"}, "SHARD_IDS must be shard numbers"),
        ({"SHARD_COUNT": "3", "SHARD_IDS": "0,,1"}, "SHARD_IDS must be shard numbers"),
        ({"SHARD_COUNT": "3", "SHARD_IDS": "0 1"}, "SHARD_IDS must be shard numbers"),
        ({"SHARD_COUNT": "3", "SHARD_IDS": "1,1"}, "SHARD_IDS lists a shard more than once"),
    ],
)
def test_bad_shard_settings_are_one_clear_line(shards, named):
    with pytest.raises(ConfigError) as caught:
        load_settings({"DISCORD_TOKEN": TOKEN, **shards})
    message = str(caught.value)
    assert named in message and "\n" not in message


def test_the_ops_port_is_off_unless_set_and_binds_to_loopback_unless_told():
    assert load_settings({"DISCORD_TOKEN": TOKEN}).ops_port is None
    local = load_settings({"DISCORD_TOKEN": TOKEN, "OPS_PORT": "9100"})
    assert (local.ops_port, local.ops_host) == (9100, "127.0.0.1")
    everywhere = load_settings({"DISCORD_TOKEN": TOKEN, "OPS_PORT": "9100", "OPS_HOST": "0.0.0.0"})
    assert everywhere.ops_host == "0.0.0.0"
