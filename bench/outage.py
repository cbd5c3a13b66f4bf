"""The Telegram drill (issue 10): the real Application, chain and index against the local Bot API stand-in
(tests/botapi.py, Telegram being unreachable here), in bad-hour conditions. It prints one table:

- outage: QUESTIONS questions from different chats, then the Bot API answers 500 to everything for
  OUTAGE seconds; every answer must arrive once after it is back;
- lost replies: Telegram carries out sends but the bot never hears so; no answer may arrive twice;
- forged updates: webhook posts without the secret, with a wrong one, or to another path, "from" an operator,
  asking to remove the article; none may be accepted or change anything;
- unchecked claims: a model (scripted: a hosted LLM cannot run here) writes an answer with an invented sentence,
  in a private chat and a group, once with Telegram refusing the final message; nothing the user can see may
  contain it.

    python -m bench.outage [--outage 60] [--questions 20]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.common import print_table
from bot.chain import build_chain
from index.embeddings import make_embedder
from tests.botapi import BotApi, message
from tests.fakes import ScriptedChatModel, first_sentence
from tests.test_telegram import ADMIN, QUESTION, Setup, replies, run_bot
from tests.test_telegram_webhook import ARTICLE, run_webhook_bot

QUESTIONS = [
    "Hoe hoorde Loekasjenko over de invasie?",
    "Wat wil Loekasjenko met de Krim?",
    "Waar stationeerde Moskou kernwapens?",
    "Waar was Poetin bang voor?",
]
INVENTED = "Xi Jinping belde Loekasjenko die ochtend om half zes."


def answers_by_question(api: BotApi) -> Counter:
    """How many answer messages each question got (answers reply to their question)."""
    return Counter(
        (int(m["chat_id"]), m["reply_parameters"]["message_id"])
        for m in api.sent("sendMessage")
        if m.get("reply_parameters") and "[1]" in m.get("text", "")
    )


async def tally(api: BotApi, asked: list[tuple[int, int]], settle: float, on_all=None) -> dict:  # type: ignore[no-untyped-def]
    """Wait (up to 60 s) until every question has an answer, then `settle` seconds more for duplicates; count
    the questions answered once, not at all, and more than once. `on_all()` is recorded as `recovery_s`."""
    for _ in range(1200):
        if len(answers_by_question(api)) >= len(asked):
            break
        await asyncio.sleep(0.05)
    result = {"recovery_s": on_all()} if on_all else {}
    await asyncio.sleep(settle)
    got = answers_by_question(api)
    result["lost"] = sum(1 for key in asked if got[key] == 0)
    result["duplicated"] = sum(1 for key in asked if got[key] > 1)
    result["delivered_once"] = sum(1 for key in asked if got[key] == 1)
    return result


def outage(setup: Setup, questions: int, seconds: float) -> dict:
    result: dict = {}

    async def scenario(api: BotApi) -> None:
        asked = []
        for i in range(questions):
            update = message(QUESTIONS[i % len(QUESTIONS)], chat_id=100 + i, user_id=100 + i)
            asked.append((100 + i, update["message"]["message_id"]))
            api.push(update)
        await replies(api, None, questions, method="sendChatAction")  # type: ignore[arg-type]
        api.down = True
        await asyncio.sleep(seconds)
        api.down = False
        back = time.monotonic()
        result.update(await tally(api, asked, settle=2, on_all=lambda: time.monotonic() - back))

    run_bot(setup, scenario, rate_limit_per_minute=1000)
    return result


def lost_replies(setup: Setup, questions: int) -> dict:
    result: dict = {}

    async def scenario(api: BotApi) -> None:
        api.lose_reply["sendMessage"] = questions // 2
        asked = []
        for i in range(questions):
            update = message(QUESTIONS[i % len(QUESTIONS)], chat_id=300 + i, user_id=300 + i)
            asked.append((300 + i, update["message"]["message_id"]))
            api.push(update)
        result.update(await tally(api, asked, settle=3))

    run_bot(setup, scenario, rate_limit_per_minute=1000)
    return result


def forged(setup: Setup, tries: int) -> dict:
    result: dict = {"accepted": 0}

    async def scenario(api: BotApi, post, secret: str) -> None:  # type: ignore[no-untyped-def]
        attack = message(f"/remove {ARTICLE}", chat_id=ADMIN, user_id=ADMIN)
        for i in range(tries):
            kind = i % 3
            response = await (
                post(attack)
                if kind == 0
                else post(attack, secret=f"guess-{i}-{secret[:8]}")
                if kind == 1
                else post(attack, secret=secret, path="/")
            )
            result["accepted"] += response.status_code == 200
        await post(message(QUESTION, chat_id=ADMIN, user_id=ADMIN), secret=secret)
        await replies(api, ADMIN)
        result["replies_to_forged"] = len(api.sent("sendMessage", ADMIN)) - 1

    run_webhook_bot(setup, scenario)
    result["articles_removed"] = int(not (setup.articles / f"{ARTICLE}.txt").exists()) + int(
        ARTICLE not in setup.indexer.store.articles()
    )
    return result


def unchecked(setup: Setup) -> dict:
    settings = setup.settings.model_copy(update={"answerer": "llm", "llm_timeout": 30.0})
    llm = ScriptedChatModel(
        reply=lambda p: f"{first_sentence(p, 1)} [1]. {INVENTED} [1] {first_sentence(p, 2)} [2].",
        token_delay=0.1,
        prompts=[],
    )
    chain = build_chain(settings, embedder=setup.chain.search.embedder, store=setup.indexer.store, llm=llm)
    shown: list[str] = []

    async def scenario(api: BotApi) -> None:
        api.push(message(QUESTION, chat_id=500, user_id=500))
        api.push(message(f"/ask {QUESTION}", chat_id=-500, user_id=501, chat_type="group"))
        await replies(api, 500, timeout=60)
        for _ in range(600):
            if any("Bronnen" in e["text"] for e in api.sent("editMessageText", -500)):
                break
            await asyncio.sleep(0.05)
        # Telegram refuses the final message: the draft must not be left looking like the answer.
        api.failures["sendMessage"] = [(400, {"description": "Bad Request: chat not found"})]
        api.push(message("Waar was Poetin bang voor?", chat_id=502, user_id=502))
        await asyncio.sleep(8)
        shown.extend(
            c.params.get("text", "")
            for c in api.calls
            if c.method in ("sendMessage", "editMessageText", "sendMessageDraft")
        )

    run_bot(setup, scenario, chain=chain, rate_limit_per_minute=1000)
    return {"shown": sum(INVENTED[:20] in text for text in shown), "texts": len(shown)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outage", type=float, default=60.0, help="seconds the Bot API answers 500")
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("telegram").setLevel(logging.CRITICAL)  # polling errors while the Bot API is down
    embedder = make_embedder("use-multilingual")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:

        def fresh(name: str) -> Setup:
            root = Path(tmp) / name
            root.mkdir()
            return Setup(root, embedder)

        print(f"outage drill: {args.questions} questions, Bot API down {args.outage:g} s ...", flush=True)
        o = outage(fresh("outage"), args.questions, args.outage)
        rows.append(
            [
                f"outage {args.outage:g} s, {args.questions} questions in flight",
                o["delivered_once"],
                o["lost"],
                o["duplicated"],
                "-",
                "-",
                f"all delivered {o['recovery_s']:.1f} s after recovery",
            ]
        )
        print("lost replies ...", flush=True)
        lr = lost_replies(fresh("lost"), args.questions)
        rows.append(
            [
                f"{args.questions // 2} of {args.questions} send replies lost",
                lr["delivered_once"],
                lr["lost"],
                lr["duplicated"],
                "-",
                "-",
                "sends that may have arrived are not repeated",
            ]
        )
        print("forged webhook updates ...", flush=True)
        fg = forged(fresh("forged"), 30)
        rows.append(
            [
                "30 forged webhook updates (no, wrong secret; wrong path)",
                "-",
                "-",
                "-",
                fg["accepted"],
                "-",
                f"replies to forged: {fg['replies_to_forged']}, articles removed: {fg['articles_removed']}",
            ]
        )
        print("unchecked claims ...", flush=True)
        uc = unchecked(fresh("unchecked"))
        rows.append(
            [
                "invented sentence streamed (private, group, final refused)",
                "-",
                "-",
                "-",
                "-",
                uc["shown"],
                f"{uc['texts']} texts sent to users",
            ]
        )
    print()
    print_table(
        [
            "drill",
            "answers delivered once",
            "answers lost",
            "answers duplicated",
            "forged accepted",
            "unchecked claims shown",
            "notes",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
