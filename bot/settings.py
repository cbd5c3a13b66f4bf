"""One Settings object, the only reader of the environment and `.env`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.embeddings import DEFAULT_EMBEDDING_MODEL


class Settings(BaseSettings):
    """citebot's configuration; every field is also an environment variable (see .env.example)."""

    model_config = SettingsConfigDict(env_file=".env", env_prefix="CITEBOT_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Where the index (data/chroma) lives.")
    articles_dir: Path = Field(Path("data/articles"), description="Folder that `index sync` mirrors.")
    embedding_model: str = Field(DEFAULT_EMBEDDING_MODEL, description="use-multilingual, minilm or an ST model.")
    chroma_url: str | None = Field(None, description="http(s)://host:port of a Chroma server instead of data_dir.")
    top_k: int = Field(5, ge=1, le=50, description="Passages retrieved per question.")
    lexical_weight: float = Field(0.5, ge=0.0, le=1.0, description="Weight of BM25 in hybrid retrieval.")
    answer_threshold: float = Field(0.40, ge=0.0, le=1.0, description="Minimum sentence score to quote.")
    cross_lingual_threshold: float = Field(
        0.38, ge=0.0, le=1.0, description="The same for questions not in the articles' language (Dutch)."
    )
    max_quotes: int = Field(2, ge=1, le=5, description="Sentences an extractive answer may quote.")
    history_turns: int = Field(3, ge=0, le=20, description="Earlier turns used for follow-up questions.")
