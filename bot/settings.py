"""One Settings object, the only reader of the environment and `.env`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from index.embeddings import DEFAULT_EMBEDDING_MODEL


def _env(name: str) -> AliasChoices:
    """A setting read from the plain variable NAME (or CITEBOT_NAME), as the issues name them."""
    return AliasChoices(name, f"CITEBOT_{name}")


class Settings(BaseSettings):
    """citebot's configuration; every field is also an environment variable (see .env.example)."""

    model_config = SettingsConfigDict(env_file=".env", env_prefix="CITEBOT_", extra="ignore", populate_by_name=True)

    # Index and retrieval (CITEBOT_*).
    data_dir: Path = Field(Path("data"), description="Where the index (data/chroma) lives.")
    articles_dir: Path = Field(Path("data/articles"), description="Folder that `index sync` mirrors.")
    embedding_model: str = Field(DEFAULT_EMBEDDING_MODEL, description="use-multilingual, minilm or an ST model.")
    chroma_url: str | None = Field(None, description="http(s)://host:port of a Chroma server instead of data_dir.")
    index_check_seconds: float = Field(
        0.0, ge=0.0, description="A running bot checks the index for changes at most this often (0: every question)."
    )
    max_article_chars: int = Field(
        1_000_000, ge=1_000, description="Longer articles are refused (indexing runs at about 50,000 characters/s)."
    )
    follow_links: bool = Field(
        False, description="Index links in the articles folder that point outside it (off: reported, not read)."
    )
    allow_private_urls: bool = Field(
        False, description="Let `index add URL` and /add fetch private, loopback and link-local addresses."
    )
    feedback_enabled: bool = Field(
        True,
        description="👍/👎 under each Telegram answer, kept for the prompt lab.",
        validation_alias=_env("FEEDBACK_ENABLED"),
    )
    top_k: int = Field(5, ge=1, le=50, description="Passages retrieved per question.")
    lexical_weight: float = Field(0.5, ge=0.0, le=1.0, description="Weight of BM25 in hybrid retrieval.")
    answer_threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="Answer when P(the best sentence answers) reaches this; unset: the model's."
    )
    cross_lingual_threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="The same for questions not in the articles' language (Dutch)."
    )
    max_quotes: int = Field(2, ge=1, le=5, description="Sentences an extractive answer may quote.")
    history_turns: int = Field(3, ge=0, le=20, description="Earlier turns used for follow-up questions.")
    answer_prompt: str = Field("answer", description="Template prompts/NAME.md for LLM answers.")
    prompts_dir: Path | None = Field(None, description="Where the prompt templates are (default: the shipped ones).")

    # Answering with a language model (plain names: ANSWERER, LLM_*).
    answerer: Literal["extractive", "llm"] = Field("extractive", validation_alias=_env("ANSWERER"))
    llm_provider: str | None = Field(None, validation_alias=_env("LLM_PROVIDER"))
    llm_model: str | None = Field(None, validation_alias=_env("LLM_MODEL"))
    llm_base_url: str | None = Field(None, validation_alias=_env("LLM_BASE_URL"))
    llm_api_key: SecretStr | None = Field(None, validation_alias=_env("LLM_API_KEY"))
    llm_temperature: float = Field(0.0, ge=0.0, le=2.0, validation_alias=_env("LLM_TEMPERATURE"))
    llm_timeout: float = Field(60.0, gt=0, validation_alias=_env("LLM_TIMEOUT"))
    llm_max_tokens: int = Field(400, ge=16, validation_alias=_env("LLM_MAX_TOKENS"))
    llm_cache_dir: Path | None = Field(
        None,
        description="Answer repeated model calls from this folder (prompts test --cache sets it).",
        validation_alias=_env("LLM_CACHE_DIR"),
    )

    # Telegram (plain names: TELEGRAM_*, ADMIN_USER_IDS, ...).
    telegram_bot_token: SecretStr | None = Field(None, validation_alias=_env("TELEGRAM_BOT_TOKEN"))
    telegram_api_base_url: str | None = Field(None, validation_alias=_env("TELEGRAM_API_BASE_URL"))
    telegram_webhook_url: str | None = Field(None, validation_alias=_env("TELEGRAM_WEBHOOK_URL"))
    telegram_webhook_port: int = Field(8443, ge=0, le=65535, validation_alias=_env("TELEGRAM_WEBHOOK_PORT"))
    telegram_webhook_listen: str = Field(
        "127.0.0.1",
        description="Address the webhook server binds; keep loopback behind a reverse proxy that terminates TLS.",
        validation_alias=_env("TELEGRAM_WEBHOOK_LISTEN"),
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None,
        description="Telegram sends it with every update; unset: generated once and kept in DATA_DIR.",
        validation_alias=_env("TELEGRAM_WEBHOOK_SECRET"),
    )
    telegram_outbox_seconds: float = Field(
        600.0,
        gt=0,
        description="How long an undelivered answer is retried (Telegram unreachable) before it is dropped.",
        validation_alias=_env("TELEGRAM_OUTBOX_SECONDS"),
    )
    admin_user_ids: Annotated[frozenset[int], NoDecode] = Field(frozenset(), validation_alias=_env("ADMIN_USER_IDS"))
    allowed_chat_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), validation_alias=_env("ALLOWED_CHAT_IDS")
    )
    rate_limit_per_minute: int = Field(10, ge=1, validation_alias=_env("RATE_LIMIT_PER_MINUTE"))
    max_question_chars: int = Field(500, ge=10, validation_alias=_env("MAX_QUESTION_CHARS"))

    @property
    def search_dir(self) -> Path:
        """Where searches keep their state between processes (a cache: deleting it costs one rebuild)."""
        return self.data_dir / "search"

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and -."""
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("admin_user_ids", "allowed_chat_ids", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        """'123, 456' -> {123, 456}; ids are Telegram's numeric user / chat ids."""
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError(f"expected comma-separated numeric Telegram ids, got {value!r}") from None
        return value


def environment_names() -> set[str]:
    """Every environment variable (and `.env` key) Settings reads, upper case: derived from the fields, so a new
    setting is never missed by whoever must keep them out (the tests, a benchmark's child processes)."""
    names: set[str] = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names |= (
            {str(c).upper() for c in alias.choices} if isinstance(alias, AliasChoices) else {f"CITEBOT_{name.upper()}"}
        )
    return names


def without_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` without any variable Settings reads (names compare case-insensitively, as Settings reads them)."""
    names = environment_names()
    return {k: v for k, v in environ.items() if k.upper() not in names}
