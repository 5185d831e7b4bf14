"""Page chrome for the leak benchmarks: the blocks sites put around an article, in 8 languages.

Shared by benchmarks/leak_plaintext.py (plain-text copies with chrome appended or prepended)
and benchmarks/templated_pages.py (articles inside site templates). The strings are what a
WordPress or news-site interface shows: comment forms, comment counts, tags and categories,
share bars, newsletter boxes, related-post lists, cookie notices, footers, navigation. Each
language also has site-specific lines that no vocabulary can know ("Say your words",
"Stay in the loop"): only learning them from the corpus removes them.

Also the article sources, read from ../shared/data at run time (never copied):
- `extraction_dev_articles()`: for each extraction-dev page, the lines of its extracted text
  that hold one of its must-keep segments and none of its must-drop segments (certified
  article lines), with the page's must-drop segments;
- `wmt_articles()`: the 247 source articles of WMT21's four test sets (German, French,
  English, Icelandic news), paragraph by paragraph.
"""

from __future__ import annotations

import json
import random
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import xxhash

ROOT = Path(__file__).resolve().parent.parent


def shared_data() -> Path:
    """../shared/data beside the repository: the nearest one up the tree (a git worktree lies
    deeper than the main checkout)."""
    for parent in ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return ROOT.parent / "shared" / "data"


DATA = shared_data()
LANGS = ("en", "de", "fr", "es", "it", "pt", "nl", "ru")

# Per language: the interface strings. "{n}" a number, "{site}" the site's name, "{cat}" a category.
UI: dict[str, dict] = {
    "en": dict(
        nav=["Home", "News", "World", "Politics", "Sport", "Contact"], login="Log in", search="Search",
        share=["Share this:", "Facebook", "Twitter", "WhatsApp", "Email", "Print"], like=["Like this:", "Like Loading..."],
        tagged="Tagged", tags_label="Tags:", posted_in="Posted in", posted_on="Posted on {date} by {author}",
        related="Related posts", more_like="You may also like", read_also="Read more:", comments_n="{n} Comments",
        no_comments="No comments yet", leave="Leave a Reply", email_note="Your email address will not be published.",
        required="Required fields are marked *", form=["Comment *", "Name *", "Email *", "Website", "Post Comment"],
        reply="Reply", newsletter=["Sign up for our newsletter", "Get the latest stories delivered to your inbox every morning.",
                                   "Enter your email address", "Subscribe"],
        cookie=["We use cookies to give you the best experience on our website.", "Accept", "Cookie settings"],
        legal=["© 2024 {site}. All rights reserved.", "Privacy Policy", "Terms of Use"],
        own=["Say your words", "No Response so far", "Stay in the loop", "Powered by WordPress"],
        cats=["Tech", "Science", "World", "Politics", "Business", "Culture", "Travel", "Health"],
        tags=["climate", "elections", "economy", "football", "music", "education", "energy", "housing", "space"],
        comments=["Great article, thanks for sharing!", "I am not sure the last point holds up.", "Very interesting read."],
        months=["January", "March", "June", "October"], authors=["admin", "Sarah Miller", "James Carter"],
    ),
    "de": dict(
        nav=["Startseite", "Politik", "Wirtschaft", "Sport", "Kultur", "Kontakt"], login="Anmelden", search="Suche",
        share=["Teilen:", "Facebook", "Twitter", "WhatsApp", "E-Mail", "Drucken"], like=["Gefällt mir:", "Wird geladen …"],
        tagged="Schlagwörter:", tags_label="Tags:", posted_in="Veröffentlicht in", posted_on="Veröffentlicht am {date} von {author}",
        related="Ähnliche Beiträge", more_like="Das könnte Sie auch interessieren", read_also="Lesen Sie auch:",
        comments_n="{n} Kommentare", no_comments="Keine Kommentare", leave="Schreibe einen Kommentar",
        email_note="Deine E-Mail-Adresse wird nicht veröffentlicht.", required="Erforderliche Felder sind mit * markiert",
        form=["Kommentar *", "Name *", "E-Mail *", "Website", "Kommentar abschicken"], reply="Antworten",
        newsletter=["Newsletter abonnieren", "Die wichtigsten Nachrichten jeden Morgen in Ihrem Postfach.",
                    "Ihre E-Mail-Adresse", "Jetzt anmelden"],
        cookie=["Wir verwenden Cookies, um Ihnen das beste Erlebnis auf unserer Website zu bieten.", "Akzeptieren",
                "Cookie-Einstellungen"],
        legal=["© 2024 {site}. Alle Rechte vorbehalten.", "Impressum", "Datenschutz"],
        own=["Sag uns deine Meinung", "Bisher keine Reaktionen", "Bleiben Sie auf dem Laufenden", "Mit Liebe gemacht in Köln"],
        cats=["Technik", "Wissenschaft", "Welt", "Politik", "Wirtschaft", "Kultur", "Reisen", "Gesundheit"],
        tags=["Klima", "Wahlen", "Wirtschaft", "Fußball", "Musik", "Bildung", "Energie", "Wohnen", "Raumfahrt"],
        comments=["Toller Artikel, danke fürs Teilen!", "Den letzten Punkt sehe ich anders.", "Sehr interessant zu lesen."],
        months=["Januar", "März", "Juni", "Oktober"], authors=["Redaktion", "Anna Becker", "Thomas Wolf"],
    ),
    "fr": dict(
        nav=["Accueil", "Politique", "Économie", "Sport", "Culture", "Contact"], login="Se connecter", search="Rechercher",
        share=["Partager :", "Facebook", "Twitter", "WhatsApp", "E-mail", "Imprimer"], like=["J’aime ça :", "Chargement…"],
        tagged="Étiquettes :", tags_label="Mots-clés :", posted_in="Publié dans", posted_on="Publié le {date} par {author}",
        related="Articles similaires", more_like="Vous aimerez aussi", read_also="À lire aussi :", comments_n="{n} commentaires",
        no_comments="Aucun commentaire", leave="Laisser un commentaire",
        email_note="Votre adresse e-mail ne sera pas publiée.", required="Les champs obligatoires sont indiqués avec *",
        form=["Commentaire *", "Nom *", "E-mail *", "Site web", "Laisser un commentaire"], reply="Répondre",
        newsletter=["Inscrivez-vous à notre newsletter", "Recevez chaque matin l’essentiel de l’actualité.",
                    "Votre adresse e-mail", "Je m’inscris"],
        cookie=["Nous utilisons des cookies pour vous offrir la meilleure expérience sur notre site.", "Accepter",
                "Paramètres des cookies"],
        legal=["© 2024 {site}. Tous droits réservés.", "Mentions légales", "Politique de confidentialité"],
        own=["Dites-nous tout", "Pas encore de réaction", "Restez informés", "Fait avec soin à Lyon"],
        cats=["Tech", "Sciences", "Monde", "Politique", "Économie", "Culture", "Voyages", "Santé"],
        tags=["climat", "élections", "économie", "football", "musique", "éducation", "énergie", "logement", "espace"],
        comments=["Super article, merci du partage !", "Je ne suis pas d’accord avec le dernier point.", "Très intéressant."],
        months=["janvier", "mars", "juin", "octobre"], authors=["La rédaction", "Claire Martin", "Julien Petit"],
    ),
    "es": dict(
        nav=["Inicio", "Política", "Economía", "Deportes", "Cultura", "Contacto"], login="Iniciar sesión", search="Buscar",
        share=["Compartir:", "Facebook", "Twitter", "WhatsApp", "Correo", "Imprimir"], like=["Me gusta:", "Cargando..."],
        tagged="Etiquetas:", tags_label="Temas:", posted_in="Publicado en", posted_on="Publicado el {date} por {author}",
        related="Artículos relacionados", more_like="También te puede interesar", read_also="Lea también:",
        comments_n="{n} comentarios", no_comments="Sin comentarios", leave="Deja una respuesta",
        email_note="Tu dirección de correo electrónico no será publicada.", required="Los campos obligatorios están marcados con *",
        form=["Comentario *", "Nombre *", "Correo electrónico *", "Web", "Publicar el comentario"], reply="Responder",
        newsletter=["Suscríbete a nuestro boletín", "Recibe cada mañana las noticias más importantes.",
                    "Tu correo electrónico", "Suscribirme"],
        cookie=["Utilizamos cookies para ofrecerte la mejor experiencia en nuestra web.", "Aceptar", "Configuración de cookies"],
        legal=["© 2024 {site}. Todos los derechos reservados.", "Aviso legal", "Política de privacidad"],
        own=["Cuéntanos qué piensas", "Todavía no hay reacciones", "No te pierdas nada", "Hecho con cariño en Sevilla"],
        cats=["Tecnología", "Ciencia", "Mundo", "Política", "Economía", "Cultura", "Viajes", "Salud"],
        tags=["clima", "elecciones", "economía", "fútbol", "música", "educación", "energía", "vivienda", "espacio"],
        comments=["¡Gran artículo, gracias por compartir!", "No estoy de acuerdo con el último punto.", "Muy interesante."],
        months=["enero", "marzo", "junio", "octubre"], authors=["Redacción", "Lucía García", "Pablo Ruiz"],
    ),
    "it": dict(
        nav=["Home", "Politica", "Economia", "Sport", "Cultura", "Contatti"], login="Accedi", search="Cerca",
        share=["Condividi:", "Facebook", "Twitter", "WhatsApp", "Email", "Stampa"], like=["Mi piace:", "Caricamento..."],
        tagged="Tag:", tags_label="Argomenti:", posted_in="Pubblicato in", posted_on="Pubblicato il {date} da {author}",
        related="Articoli correlati", more_like="Potrebbe interessarti anche", read_also="Leggi anche:",
        comments_n="{n} commenti", no_comments="Nessun commento", leave="Lascia un commento",
        email_note="Il tuo indirizzo email non sarà pubblicato.", required="I campi obbligatori sono contrassegnati *",
        form=["Commento *", "Nome *", "Email *", "Sito web", "Invia commento"], reply="Rispondi",
        newsletter=["Iscriviti alla newsletter", "Ricevi ogni mattina le notizie più importanti.", "La tua email", "Iscriviti"],
        cookie=["Utilizziamo i cookie per offrirti la migliore esperienza sul nostro sito.", "Accetta", "Impostazioni cookie"],
        legal=["© 2024 {site}. Tutti i diritti riservati.", "Note legali", "Informativa sulla privacy"],
        own=["Dicci la tua", "Ancora nessuna reazione", "Resta aggiornato", "Fatto con cura a Bologna"],
        cats=["Tecnologia", "Scienza", "Mondo", "Politica", "Economia", "Cultura", "Viaggi", "Salute"],
        tags=["clima", "elezioni", "economia", "calcio", "musica", "scuola", "energia", "casa", "spazio"],
        comments=["Bell'articolo, grazie per la condivisione!", "Non sono d'accordo sull'ultimo punto.", "Molto interessante."],
        months=["gennaio", "marzo", "giugno", "ottobre"], authors=["Redazione", "Giulia Rossi", "Marco Bianchi"],
    ),
    "pt": dict(
        nav=["Início", "Política", "Economia", "Desporto", "Cultura", "Contato"], login="Entrar", search="Pesquisar",
        share=["Compartilhe:", "Facebook", "Twitter", "WhatsApp", "E-mail", "Imprimir"], like=["Curtir isso:", "Carregando..."],
        tagged="Etiquetas:", tags_label="Tags:", posted_in="Publicado em", posted_on="Publicado em {date} por {author}",
        related="Artigos relacionados", more_like="Você também pode gostar", read_also="Leia também:",
        comments_n="{n} comentários", no_comments="Nenhum comentário", leave="Deixe um comentário",
        email_note="O seu endereço de e-mail não será publicado.", required="Campos obrigatórios são marcados com *",
        form=["Comentário *", "Nome *", "E-mail *", "Site", "Publicar comentário"], reply="Responder",
        newsletter=["Assine a nossa newsletter", "Receba todas as manhãs as notícias mais importantes.",
                    "Seu e-mail", "Inscreva-se"],
        cookie=["Utilizamos cookies para oferecer a melhor experiência no nosso site.", "Aceitar", "Configurações de cookies"],
        legal=["© 2024 {site}. Todos os direitos reservados.", "Aviso legal", "Política de privacidade"],
        own=["Conte-nos o que acha", "Ainda sem reações", "Fique por dentro", "Feito com carinho em Lisboa"],
        cats=["Tecnologia", "Ciência", "Mundo", "Política", "Economia", "Cultura", "Viagens", "Saúde"],
        tags=["clima", "eleições", "economia", "futebol", "música", "educação", "energia", "habitação", "espaço"],
        comments=["Ótimo artigo, obrigado por compartilhar!", "Não concordo com o último ponto.", "Muito interessante."],
        months=["janeiro", "março", "junho", "outubro"], authors=["Redação", "Ana Souza", "Pedro Lima"],
    ),
    "nl": dict(
        nav=["Home", "Politiek", "Economie", "Sport", "Cultuur", "Contact"], login="Inloggen", search="Zoeken",
        share=["Delen:", "Facebook", "Twitter", "WhatsApp", "E-mail", "Printen"], like=["Vind ik leuk:", "Laden..."],
        tagged="Tags:", tags_label="Trefwoorden:", posted_in="Geplaatst in", posted_on="Geplaatst op {date} door {author}",
        related="Gerelateerde artikelen", more_like="Dit vind je misschien ook leuk", read_also="Lees ook:",
        comments_n="{n} reacties", no_comments="Nog geen reacties", leave="Laat een reactie achter",
        email_note="Je e-mailadres wordt niet gepubliceerd.", required="Vereiste velden zijn gemarkeerd met *",
        form=["Reactie *", "Naam *", "E-mail *", "Website", "Reactie plaatsen"], reply="Beantwoorden",
        newsletter=["Schrijf je in voor onze nieuwsbrief", "Elke ochtend het belangrijkste nieuws in je inbox.",
                    "Je e-mailadres", "Aanmelden"],
        cookie=["Wij gebruiken cookies om je de beste ervaring op onze website te bieden.", "Accepteren", "Cookie-instellingen"],
        legal=["© 2024 {site}. Alle rechten voorbehouden.", "Privacybeleid", "Algemene voorwaarden"],
        own=["Zeg het maar", "Nog geen reacties tot nu toe", "Blijf op de hoogte", "Met zorg gemaakt in Utrecht"],
        cats=["Tech", "Wetenschap", "Wereld", "Politiek", "Economie", "Cultuur", "Reizen", "Gezondheid"],
        tags=["klimaat", "verkiezingen", "economie", "voetbal", "muziek", "onderwijs", "energie", "wonen", "ruimtevaart"],
        comments=["Mooi artikel, bedankt voor het delen!", "Met het laatste punt ben ik het niet eens.", "Erg interessant."],
        months=["januari", "maart", "juni", "oktober"], authors=["Redactie", "Sanne de Vries", "Daan Jansen"],
    ),
    "ru": dict(
        nav=["Главная", "Политика", "Экономика", "Спорт", "Культура", "Контакты"], login="Войти", search="Поиск",
        share=["Поделиться:", "ВКонтакте", "Telegram", "WhatsApp", "Email", "Печать"], like=["Нравится:", "Загрузка..."],
        tagged="Метки:", tags_label="Теги:", posted_in="Рубрика:", posted_on="Опубликовано {date}, автор: {author}",
        related="Похожие статьи", more_like="Читайте также", read_also="Читайте также:", comments_n="Комментарии ({n})",
        no_comments="Комментариев пока нет", leave="Оставить комментарий",
        email_note="Ваш адрес email не будет опубликован.", required="Обязательные поля помечены *",
        form=["Комментарий *", "Имя *", "Email *", "Сайт", "Отправить комментарий"], reply="Ответить",
        newsletter=["Подпишитесь на нашу рассылку", "Главные новости каждое утро на вашу почту.", "Ваш email", "Подписаться"],
        cookie=["Мы используем файлы cookie, чтобы сделать сайт удобнее.", "Принять", "Настройки cookie"],
        legal=["© 2024 {site}. Все права защищены.", "Политика конфиденциальности", "Пользовательское соглашение"],
        own=["Скажите своё слово", "Пока никто не ответил", "Будьте в курсе", "Сделано с любовью в Казани"],
        cats=["Технологии", "Наука", "Мир", "Политика", "Экономика", "Культура", "Путешествия", "Здоровье"],
        tags=["климат", "выборы", "экономика", "футбол", "музыка", "образование", "энергетика", "жильё", "космос"],
        comments=["Отличная статья, спасибо!", "С последним пунктом я не согласен.", "Очень интересно."],
        months=["января", "марта", "июня", "октября"], authors=["Редакция", "Анна Смирнова", "Иван Петров"],
    ),
}

SITE_NAMES = ["Courier", "Ledger", "Gazette", "Herald", "Bote", "Kurier", "Écho", "Diario", "Gazzetta", "Folha", "Dagblad",
              "Вестник", "Observer", "Chronicle", "Tribune", "Anzeiger"]


def _date(ui: dict, rng: random.Random) -> str:
    return f"{rng.randint(1, 28)} {rng.choice(ui['months'])} 202{rng.randint(0, 4)}"


def chrome_blocks(lang: str, rng: random.Random, site: str, related_titles: list[str]) -> dict[str, list[str]]:
    """One of each kind of block, as lines, drawn at random for one document."""
    ui = UI[lang]
    n = rng.randint(2, 14)
    cats = rng.sample(ui["cats"], 2)
    tags = rng.sample(ui["tags"], rng.randint(2, 4))
    blocks = {
        "comment_form": [ui["leave"], ui["email_note"], ui["required"]] + ui["form"][: rng.randint(2, 5)],
        "comment_count": [ui["comments_n"].format(n=n) if rng.random() < 0.7 else ui["no_comments"]],
        "tags": [f"{ui['posted_in']} {cats[0]}", f"{ui['tagged']} {', '.join(tags)}"] if rng.random() < 0.5 else
                [f"{ui['tags_label']} {', '.join(tags)}"],
        "share": ui["share"][: rng.randint(2, 6)] + (ui["like"] if rng.random() < 0.3 else []),
        "newsletter": ui["newsletter"][: rng.randint(2, 4)],
        "related": [rng.choice([ui["related"], ui["more_like"]])] + related_titles[: rng.randint(2, 3)],
        "legal": [line.format(site=site) for line in ui["legal"][: rng.randint(1, 3)]],
        "own": rng.sample(ui["own"], rng.randint(1, 2)),
        "nav": ui["nav"][: rng.randint(3, 6)] + ([ui["login"], ui["search"]] if rng.random() < 0.5 else []),
        "byline": [ui["posted_on"].format(date=_date(ui, rng), author=rng.choice(ui["authors"]))],
        "cookie": ui["cookie"][: rng.randint(1, 3)],
    }
    return blocks


END_KINDS = ["comment_form", "comment_count", "tags", "share", "newsletter", "related", "legal", "own"]
START_KINDS = ["nav", "share", "cookie", "byline", "own"]


@dataclass
class Article:
    name: str                 # a stable id (page file name, or WMT document id)
    lines: list[str]          # the article, one paragraph a line
    drop: list[str] = field(default_factory=list)  # the page's must-drop segments (extraction-dev only)
    lang: str | None = None   # known for WMT articles
    held_out: bool = False    # extraction-dev pages held out from tuning (see held_out())
    title: str | None = None


def held_out(name: str) -> bool:
    """extraction-dev pages kept out of tuning: xxh3_64(file name) % 4 == 0 (244 of 990 pages)."""
    return xxhash.xxh3_64_intdigest(name.encode("utf-8")) % 4 == 0


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


def extraction_dev_articles(data: Path = DATA / "extraction-dev", min_words: int = 40) -> tuple[list[Article], int]:
    """Certified article lines of each extraction-dev page (module docstring); pages with fewer
    than 2 such lines or `min_words` words are skipped. Returns the articles and the number
    skipped. The texts come from trafilatura's balanced mode, read through samestory's reader."""
    import sys

    sys.path.insert(0, str(ROOT))
    from samestory.clean.extract import extract_html
    from samestory.clean.normalize import tidy_text
    from samestory.read import iter_documents

    evaldata = json.loads((data / "evaldata.json").read_text(encoding="utf-8"))
    truth = {item["file"]: item for item in evaldata.values()}
    articles, skipped = [], 0
    for raw in iter_documents([data / "html"]):
        name = raw.doc_id[:-3] if raw.doc_id.endswith(".gz") else raw.doc_id
        item = truth.get(name)
        if item is None or raw.kind != "html":
            skipped += 1
            continue
        try:
            text = extract_html(raw.content, url=raw.url, mode="balanced").text or ""
        except Exception:
            text = ""
        keep, drop = [norm(s) for s in item["with"]], [norm(s) for s in item["without"]]
        lines = []
        for line in tidy_text(text).split("\n"):
            n_line = norm(line)
            if n_line and any(s in n_line for s in keep) and not any(s in n_line for s in drop):
                lines.append(line.strip())
        if len(lines) < 2 or sum(len(x.split()) for x in lines) < min_words:
            skipped += 1
            continue
        article_text = " ".join(norm(x) for x in lines)
        drops = [s for s in item["without"] if norm(s) and norm(s) not in article_text]
        articles.append(Article(name=name, lines=lines, drop=drops, held_out=held_out(name), title=item.get("title")))
    return articles, skipped


def wmt_articles(data: Path = DATA / "wmt21") -> list[Article]:
    """The source-language articles of the four WMT21 test sets, one paragraph a line (the
    first paragraph is the headline)."""
    out = []
    for path in sorted(data.glob("newstest2021.*.all.xml")):
        for doc in ET.parse(path).getroot().iter("doc"):
            src = doc.find("src")
            paragraphs = [" ".join((seg.text or "").strip() for seg in p.iter("seg")).strip() for p in src.iter("p")]
            paragraphs = [p for p in paragraphs if p]
            if len(paragraphs) < 3:  # some sets give a whole article as one <p>: the headline, then 3 sentences a paragraph
                segs = [(seg.text or "").strip() for seg in src.iter("seg") if (seg.text or "").strip()]
                paragraphs = segs[:1] + [" ".join(segs[i:i + 3]) for i in range(1, len(segs), 3)]
            if len(paragraphs) >= 2:
                out.append(Article(name=f"{path.name.split('.')[1]}:{doc.get('id')}", lines=paragraphs,
                                   lang=src.get("lang"), title=paragraphs[0]))
    return out


_WORD = re.compile(r"\w+")


def words(text: str) -> int:
    return len(_WORD.findall(text))
