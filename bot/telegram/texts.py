"""What the bot says, in Dutch (default) and English, picked by the user's Telegram language."""

from __future__ import annotations

TEXTS = {
    "nl": {
        "help": (
            "Ik beantwoord vragen over nieuwsartikelen, en elk antwoord citeert de passage waar het vandaan komt.\n\n"
            "Ik ken nu {articles} artikel(s). Stel gewoon een vraag, bijvoorbeeld:\n<i>{example}</i>\n\n"
            "Doorvragen mag: ik onthoud de laatste {turns} vragen van dit gesprek.\n"
            "/articles - de artikelen, en een knop om je tot één artikel te beperken\n"
            "/sources - de bronnen van het laatste antwoord opnieuw\n"
            "/reset - het gesprek vergeten\n"
            "In een groep: noem mij (@{username}), antwoord op mijn bericht of gebruik /ask &lt;vraag&gt;."
        ),
        "admin_help": "\n\nBeheer: stuur een link (of /add &lt;link&gt;), of een artikel (.txt/.md/.html) met als bijschrift /add; /history &lt;id&gt;; /reindex; /remove &lt;id&gt;; /stats.",
        "not_text": "Ik lees alleen tekst. Stel je vraag in een tekstbericht.",
        "too_long": "Die vraag is te lang ({length} tekens; maximaal {limit}). Kan het korter?",
        "slow_down": "Even rustig aan: maximaal {limit} vragen per minuut. Probeer het zo weer.",
        "error": "Er ging iets mis bij het beantwoorden. Probeer het nog eens.",
        "reset": "Gesprek gewist. Stel een nieuwe vraag.",
        "no_sources": "Er is nog geen antwoord met bronnen in dit gesprek.",
        "gone": "Dat antwoord is te oud; stel de vraag opnieuw.",
        "articles": "Geïndexeerde artikelen ({count}). Kies er één om alleen daarin te zoeken:",
        "no_articles": "Er zijn nog geen artikelen geïndexeerd.",
        "all_articles": "Alle artikelen",
        "scoped": "Ik zoek nu alleen in: {title}",
        "unscoped": "Ik zoek nu in alle artikelen.",
        "admins_only": "Sorry, dat mogen alleen beheerders.",
        "ask_usage": "Gebruik: /ask &lt;vraag&gt;",
        "remove_usage": "Gebruik: /remove &lt;artikel-id&gt; (zie /articles).",
        "empty_question": "Stel een vraag over de artikelen.",
        "checking": "Antwoord in wording; alleen nagekeken zinnen staan hier.",
        "thanks_up": "Bedankt!",
        "thanks_down": "Bedankt: we bekijken dit antwoord.",
    },
    "en": {
        "help": (
            "I answer questions about news articles, and every answer quotes the passage it comes from.\n\n"
            "I know {articles} article(s) now. Just ask a question, for example:\n<i>{example}</i>\n\n"
            "Follow-up questions work: I remember the last {turns} questions of this chat.\n"
            "/articles - the articles, with a button to limit me to one of them\n"
            "/sources - show the last answer's sources again\n"
            "/reset - forget this conversation\n"
            "In a group: mention me (@{username}), reply to my message or use /ask &lt;question&gt;."
        ),
        "admin_help": "\n\nOperators: send a link (or /add &lt;link&gt;), or an article (.txt/.md/.html) with the caption /add; /history &lt;id&gt;; /reindex; /remove &lt;id&gt;; /stats.",
        "not_text": "I only read text. Please ask your question in a text message.",
        "too_long": "That question is too long ({length} characters; at most {limit}). Can you shorten it?",
        "slow_down": "Slow down a little: at most {limit} questions a minute. Try again in a moment.",
        "error": "Something went wrong while answering. Please try again.",
        "reset": "Conversation cleared. Ask a new question.",
        "no_sources": "There is no answer with sources in this chat yet.",
        "gone": "That answer is too old; please ask again.",
        "articles": "Indexed articles ({count}). Pick one to search only that one:",
        "no_articles": "No articles are indexed yet.",
        "all_articles": "All articles",
        "scoped": "I now search only: {title}",
        "unscoped": "I now search all articles.",
        "admins_only": "Sorry, only operators may do that.",
        "ask_usage": "Usage: /ask &lt;question&gt;",
        "remove_usage": "Usage: /remove &lt;article id&gt; (see /articles).",
        "empty_question": "Ask a question about the articles.",
        "checking": "Answer in progress; only checked sentences are shown here.",
        "thanks_up": "Thanks!",
        "thanks_down": "Thanks: we will look at this answer.",
    },
}


def language_of(language_code: str | None) -> str:
    """'en' for English Telegram clients, Dutch otherwise."""
    return "en" if (language_code or "").lower().startswith("en") else "nl"


def text(language: str, key: str, **values: object) -> str:
    return TEXTS.get(language, TEXTS["nl"])[key].format(**values)
