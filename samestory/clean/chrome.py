"""Site chrome at a text's edges: the blocks pages put around an article, removed as blocks.

trafilatura (or whoever made a plain-text copy) leaves what surrounds an article on the page:
a menu and share bar above it, and below it "Leave a Reply", "Your email address will not be
published.", "Posted in Tech", "Tagged Science, World", related links, a newsletter box, a
cookie notice, a copyright line. This module removes such blocks from a text's start and end
by a general rule, not a list of known lines.

Each line is one of:
- *prose*: more than `max_words` words (unless it is one of the few whole UI sentences, such
  as "Your email address will not be published. Required fields are marked *", of at most
  `UI_SENTENCE_WORDS` words), or at least `PROSE_MIN_WORDS` words ending in sentence
  punctuation without UI vocabulary;
- *chrome*: a short line made of the vocabulary of site interfaces — comments, accounts,
  tags and categories, sharing and following, newsletters and subscriptions, cookies and
  legal lines, navigation and "related" headings, ad labels — in English, German, French,
  Spanish, Italian, Portuguese, Dutch, Russian and Polish; a line without letters (separators,
  counters); or a line the corpus taught us (`learned`: boilerplate/corpus_lines.py);
- *other*: any other short line (a heading, a link title, a name, a caption).

The edge block of a text is the run of non-prose lines before its first prose line (the
start block) and after its last (the end block). Inside a block:
1. every chrome line goes;
2. a span from the edge inward goes whole when chrome lines are the strict majority of its
   lines (the longest such span that ends on a chrome line): the short link titles and names
   between "Share", "Tags:" and "Leave a comment" go with them. At the start the span begins
   at the first chrome line, so a headline or byline above a share bar stays;
3. at the end, a "related"/"comments" heading ("Related posts", "Lesen Sie auch",
   "Leave a Reply", "Notas relacionadas") takes every line after it: the list it opens.
Anywhere in a text, a "see also" line — a label with a colon followed by a link title
("Read more: …", "Lesen Sie auch: …", "Lea también: …"), at most `SEE_ALSO_WORDS` words —
goes too: extraction leaves them between paragraphs.

The guarantee: a prose line is never removed, and the edge scan never crosses one, so only
lines between a text's edge and its first prose line from that edge can go. A text without
any prose line (a list, a poem, a page of links) loses only the chrome lines at its very
edges, one by one, as before blocks.
"""

from __future__ import annotations

import re

__all__ = [
    "PROSE_MIN_WORDS", "SEE_ALSO_WORDS", "UI_SENTENCE_WORDS", "article_span", "chrome_line_numbers", "is_chrome_line",
    "is_prose_line", "strip_chrome_lines",
]

PROSE_MIN_WORDS = 5      # a sentence of this many words, ending in . ! ? …, is prose
UI_SENTENCE_WORDS = 40   # a whole UI sentence ("Your email address will not be published.") may be this long
SEE_ALSO_WORDS = 30      # "Read more: <a link title>" lines are at most this long
END_BLOCK_SHARE = 0.5    # at the end, a span goes whole when at least this share of its lines are chrome
MENU_LINES, MENU_WORDS = 3, 3  # a menu: this many lines in a row of at most this many words, beside chrome

# Single UI words match only as the whole line (with punctuation or a count), never inside a
# sentence: "Share" is chrome, "Share prices fell" is not.
_UI_WORDS = [
    # comments, replies
    "comments?", "reply", "replies", "responses?", "kommentare?", "antworten", "antwort", "commentaires?", "répondre",
    "comentarios?", "responder", "respuestas?", "commenti", "commento", "rispondi", "comentários?", "reacties?",
    "reageer", "reageren", "beantwoorden", "комментари[йия]", "комментариев", "ответить", "komentarze?", "odpowiedz",
    # accounts
    "log ?in", "log ?out", "sign ?in", "sign ?up", "sign ?out", "register", "login", "logout", "account", "my account",
    "anmelden", "abmelden", "einloggen", "ausloggen", "registrieren", "mein konto", "konto", "connexion", "se connecter",
    "déconnexion", "s'inscrire", "inscription", "mon compte", "iniciar sesión", "registrarse", "regístrate",
    "mi cuenta", "cerrar sesión", "entrar", "accedi", "registrati", "esci", "il mio account", "entrar", "cadastre-se",
    "minha conta", "sair", "inloggen", "uitloggen", "registreren", "mijn account", "войти", "вход", "выйти",
    "регистрация", "зарегистрироваться", "личный кабинет", "zaloguj się", "zaloguj", "zarejestruj się", "moje konto",
    # sharing, following, printing
    "share", "share this", "share (this )?(article|post|story|page)", "tweet", "pin( it)?", "like this", "print",
    "print this( article| page)?", "e-?mail", "e-?mail this", "teilen", "artikel teilen", "beitrag teilen", "drucken",
    "partager", "imprimer", "compartir", "comparte", "imprimir", "condividi", "stampa", "compartilhe", "compartilhar",
    "partilhar", "partilhe", "delen", "deel", "printen", "поделиться", "печать", "udostępnij", "podziel się", "drukuj",
    "facebook", "twitter", "x", "linkedin", "whatsapp", "pinterest", "telegram", "reddit", "instagram", "youtube",
    "tiktok", "xing", "flipboard", "tumblr", "vk", "вконтакте", "одноклассники", "rss", "rss-feed", "copy link",
    "link kopieren", "copier le lien", "copiar enlace",
    # navigation, ads
    "home", "menu", "main menu", "navigation", "search", "startseite", "suche", "menü", "accueil", "rechercher",
    "recherche", "inicio", "buscar", "menú", "cerca", "início", "pesquisar", "zoeken", "главная", "поиск", "меню",
    "szukaj", "advertisements?", "advertisement", "anzeige", "werbung", "publicité", "publicidad", "pubblicità",
    "publicidade", "advertentie", "реклама", "reklama", "sponsored", "gesponsert", "sponsorisé", "patrocinado",
    "loading", "wird geladen", "chargement", "cargando", "caricamento", "carregando", "laden", "загрузка",
    "contact", "contact us", "kontakt", "contacto", "contatti", "contato", "контакты", "about( us)?", "über uns",
    "impressum", "imprint", "agb", "disclaimer", "sitemap", "newsletter", "abo", "archiv", "archive", "archives",
    # cookie-banner buttons
    "accept", "accept all", "i accept", "agree", "i agree", "akzeptieren", "alle akzeptieren", "zustimmen", "einverstanden",
    "accepter", "tout accepter", "j'accepte", "aceptar", "aceptar todo", "acepto", "accetta", "accetta tutto", "accetto",
    "aceitar", "aceito", "accepteren", "alles accepteren", "akkoord", "принять", "принять все", "согласен", "akceptuję",
    "zgadzam się",
    # buttons
    "learn more", "read more", "more", "mehr", "mehr erfahren", "erfahre mehr", "erfahren sie mehr", "weiter", "zurück",
    "en savoir plus", "lire plus", "saber más", "leer más", "ver más", "scopri di più", "leggi di più", "saiba mais",
    "ver mais", "lees meer", "meer lezen", "подробнее", "читать далее", "więcej", "czytaj więcej", "show more", "load more",
    # likes, ratings
    "like", "gefällt mir", "j'aime", "j’aime", "j'aime ça", "j’aime ça", "me gusta", "mi piace", "curtir", "curtir isso",
    "vind ik leuk", "нравится", "lubię to", "website", "web", "site web", "sito web", "sitio web",
]
_UI_WORD = r"^(?:" + "|".join(_UI_WORDS) + r")(?:\s*[:.!>»…]*|\s*\(\d+\)|\s+\d+)$"

# Phrases that make a short line chrome wherever they sit in it.
_UI_PHRASES = [
    # comments
    r"leave a (comment|reply)", r"post a comment", r"add (a )?comment", r"no comments( yet)?", r"^\d+\s+comments?$",
    r"(show|view|load|read) (all )?(\d+ )?comments", r"join the (discussion|conversation)", r"be the first to comment",
    r"cancel reply", r"(post|submit) comment", r"required fields are marked", r"notify me of",
    r"save my name, e-?mail",
    r"^(name|nome|nom|nombre|naam|имя|imię|e-?mail|correo( electrónico)?|website|web|site( web)?|sito web|sitio web|comment(aire|ario|o)?|kommentar|comentário|reactie|комментарий|komentarz)\s*\*",
    r"^(your|ihre|deine|votre|ta|tu|la tua|il tuo|seu|o seu|je|uw|ваш|twój) (e-?mail|e-mail-adresse|email-adresse|adresse (e-?mail|électronique)|correo( electrónico)?|endereço de e-?mail|indirizzo e-?mail|e-?mailadres)( address| adresse)?$",
    r"^(sin comentarios|aucun commentaire|nessun commento|nenhum comentário|nog geen reacties|brak komentarzy)",
    r"^\d+\s+(comments?|kommentare?|commentaires?|comentarios?|comentários?|commenti|reacties|reactions?|réactions?|komentarz[ey]?|комментари[йяев]*|antworten|replies|responses)$",
    r"^(enter|type) your e-?mail", r"^(e-mail-adresse|ihre e-mail|deine e-mail) eingeben", r"^(entrez|saisissez) votre (adresse|e-?mail)",
    r"^(introduce|escribe|ingresa) tu (correo|e-?mail)", r"^inserisci (la tua|il tuo) (e-?mail|indirizzo)", r"^(digite|insira) (o )?seu e-?mail",
    r"^vul (je|uw) e-?mail", r"^введите (ваш )?(email|e-mail|адрес)",
    r"^комментариев (пока )?нет", r"kommentar(e)? (schreiben|verfassen|anzeigen|abgeben|hinzufügen)",
    r"(schreibe|hinterlasse|verfasse) (einen|deinen|ihren) kommentar", r"keine kommentare", r"^\d+\s+kommentare?$",
    r"antwort abbrechen", r"kommentar abschicken", r"erforderliche felder", r"pflichtfelder",
    r"laisser un commentaire", r"laisser une réponse", r"ajouter un commentaire", r"annuler la réponse",
    r"^\d+\s+commentaires?$", r"champs obligatoires", r"deja un comentario", r"deja una respuesta", r"cancelar respuesta",
    r"publicar comentario", r"campos obligatorios", r"^\d+\s+comentarios?$", r"lascia un commento", r"lascia una risposta",
    r"annulla risposta", r"campi obbligatori", r"deixe (um|seu) comentário", r"deixe uma resposta", r"campos obrigatórios",
    r"laat een reactie achter", r"plaats een reactie", r"geef een reactie", r"vereiste velden", r"reactie annuleren",
    r"оставить комментарий", r"оставьте комментарий", r"добавить комментарий", r"обязательные поля", r"dodaj komentarz",
    r"zostaw komentarz", r"^\d+\s+komentarz",
    # accounts
    r"\blog ?in\b", r"\blog ?out\b", r"\bsign (in|up|out)\b", r"create (an |your )?account", r"\bmy account\b",
    r"your account", r"forgot (your )?password", r"\banmelden\b", r"\bregistrieren\b", r"\beinloggen\b",
    r"passwort vergessen", r"\bse connecter\b", r"mot de passe oublié", r"créer un compte", r"iniciar sesi[oó]n",
    r"crear (una )?cuenta", r"olvidaste tu contraseña", r"password dimenticata", r"crea un account",
    r"esqueceu (a|sua) senha", r"criar conta", r"wachtwoord vergeten", r"забыли пароль",
    # subscriptions, newsletters, support
    r"\bsubscribe\b", r"\bsubscription\b", r"\bnewsletter\b", r"get the latest (posts|news|stories|updates)",
    r"sent to your (e-?mail|inbox)", r"discover more from", r"support (us|our (work|journalism))",
    r"become a (member|subscriber|patron|supporter)", r"\bdonate\b", r"\babonnieren\b", r"\babonniere\b",
    r"jetzt (anmelden|abonnieren|registrieren|spenden|testen)", r"unterstütze(n sie)? (uns|unsere)", r"\babo\b",
    r"\babonnez-vous\b", r"s'abonner", r"inscrivez-vous", r"lettre d'information", r"soutenez", r"\bsuscr[ií]b",
    r"bolet[ií]n", r"hazte (miembro|socio)", r"\biscriviti\b", r"\babbonati\b", r"\bassine\b", r"inscreva-se",
    r"\babonneer\b", r"schrijf je in", r"nieuwsbrief", r"meld je aan", r"подпис(ка|аться|ывайтесь|ку)", r"рассылк",
    r"subskryb", r"zapisz się",
    # sharing, following
    r"share (this|on|via)\b", r"^share\b.*\b(facebook|twitter|whatsapp|e-?mail|linkedin)\b", r"click to (share|print|email)",
    r"opens in (a )?new window", r"\bfollow us\b", r"like us on facebook", r"(teilen|teile) (auf|bei|per|via)\b",
    r"folge(n sie)? uns", r"partager (sur|cet|l')", r"suivez-nous", r"compartir en", r"comparte (esta|este)",
    r"s[ií]guenos", r"condividi su", r"seguici", r"siga-nos", r"deel (dit|op|via)", r"volg ons",
    r"поделиться в", r"мы в (соцсетях|telegram|вк)", r"obserwuj nas", r"^(facebook|twitter|x|linkedin|whatsapp|pinterest|e-?mail|telegram|reddit|instagram|youtube|xing)(\s*[|·•,/]\s*(facebook|twitter|x|linkedin|whatsapp|pinterest|e-?mail|telegram|reddit|instagram|youtube|xing|print|drucken|imprimer|imprimir))+$",
    r"^like loading", r"^loading\.{0,3}$",
    r"^(follow|folge|folgen sie|suivez|suis|sigue|síguenos|segui|seguici|siga|volg|подписывайтесь|obserwuj)\b",
    # tags, categories, filing
    r"^tags?\s*:", r"^tagged( with)?\b", r"^categor(y|ies)\s*:", r"^filed (under|in)\b", r"^(posted|published) (in|on|under)\b",
    r"^topics?\s*:", r"^labels?\s*:", r"^keywords?\s*:", r"^schlagw[oö]rter\b", r"^stichw[oö]rter\b", r"^kategorien?\s*:",
    r"^rubrik\s*:", r"^themen\s*:", r"^veröffentlicht (in|unter)\b", r"^abgelegt unter", r"^[ée]tiquettes?\s*:",
    r"^mots[- ]cl[ée]s?\s*:", r"^cat[ée]gories?\s*:", r"^class[ée] dans", r"^publi[ée] dans", r"^rubriques?\s*:",
    r"^etiquetas?\s*:", r"^categor[ií]as?\s*:", r"^archivado en", r"^temas?\s*:", r"^palabras clave\s*:",
    r"^categori[ae]\s*:", r"^archiviato in", r"^argomenti\s*:", r"^parole chiave\s*:", r"^arquivado em",
    r"^palavras-chave\s*:", r"^categorie(ën)?\s*:", r"^geplaatst (in|onder)\b", r"^trefwoorden\s*:", r"^onderwerpen\s*:",
    r"^теги\s*:", r"^метки\s*:", r"^рубрик[аи]\s*:", r"^категори[яи]\s*:", r"^ключевые слова", r"^tagi\s*:",
    r"^kategori[ae]\s*:",
    # cookies, legal, footer
    r"\bcookies?\b.*\b(accept|consent|policy|settings|use|uses|improve|experience|akzeptieren|zustimmen|einstellungen|accepter|paramètres|aceptar|configuraci[oó]n|accetta|impostazioni|aceitar|accepteren|instellingen)\b",
    r"\b(settings|preferences|einstellungen|paramètres|gestion|configuraci[oó]n|impostazioni|configurações|instellingen|настройки|ustawienia)\b.*\bcookies?\b",
    r"\baccept (all )?cookies\b", r"privacy (policy|settings|notice)", r"terms (of|and) (use|service|conditions)",
    r"all rights reserved", r"^©", r"^\(c\)\s", r"^copyright\b", r"\bdatenschutz", r"\bimpressum\b",
    r"alle rechte vorbehalten", r"nutzungsbedingungen", r"mentions l[ée]gales", r"tous droits r[ée]serv[ée]s",
    r"politique de confidentialit[ée]", r"conditions g[ée]n[ée]rales", r"todos los derechos reservados",
    r"pol[ií]tica de (privacidad|cookies|privacidade)", r"aviso legal", r"t[ée]rminos y condiciones",
    r"tutti i diritti riservati", r"informativa( sulla)? privacy", r"note legali", r"termini e condizioni",
    r"todos os direitos reservados", r"termos de (uso|serviço)", r"alle rechten voorbehouden", r"privacybeleid",
    r"privacyverklaring", r"algemene voorwaarden", r"cookiebeleid", r"все права защищены", r"политика конфиденциальности",
    r"пользовательское соглашение", r"wszelkie prawa zastrzeżone", r"polityka prywatności",
    # bylines and dates of the post
    r"^(posted|published|updated|last updated|last modified) (on|at)\b", r"^veröffentlicht am\b", r"^(zuletzt )?aktualisiert( am)?\b",
    r"^letzte änderung\b", r"^publi[ée] le\b", r"^mis à jour le\b", r"^publicado (el|em)\b", r"^actualizado (el|en)\b",
    r"^pubblicato (il|in)\b", r"^aggiornato (il|al)\b", r"^atualizado em\b", r"^geplaatst (op|in)\b", r"^bijgewerkt op\b",
    r"^опубликовано\b", r"^обновлено\b", r"^opublikowano\b", r"^publicado en\b", r"^publi[ée] dans\b",
    # navigation
    r"^read more\b", r"^continue reading", r"^previous (post|article|story)", r"^next (post|article|story)",
    r"back to top", r"skip to (main )?content", r"^click here\b", r"^weiterlesen", r"^(vorheriger|nächster) (artikel|beitrag)",
    r"nach oben", r"zum inhalt springen", r"^lire la suite", r"^article (pr[ée]c[ée]dent|suivant)", r"retour en haut",
    r"aller au contenu", r"^leer m[aá]s\b", r"^(art[ií]culo|entrada|nota) (anterior|siguiente)", r"volver arriba",
    r"ir al contenido", r"^continua a leggere", r"^articolo (precedente|successivo)", r"torna su", r"vai al contenuto",
    r"^continu(e|ar) lendo", r"^(artigo|post) (anterior|seguinte)", r"voltar ao topo", r"ir para o conte[uú]do",
    r"^lees (meer|verder)\b", r"^(vorig|volgend) (artikel|bericht)", r"terug naar boven", r"^читать (далее|дальше|полностью)",
    r"^(предыдущая|следующая) (статья|запись|новость)", r"^наверх$", r"^czytaj (więcej|dalej)",
    # picture credits and ad labels
    r"^(foto|fotos|photo|photos|bild|bilder|titelbild|beitragsbild|aufmacherbild|image|images|credit|cr[ée]dits?|cr[ée]dito|fot|zdjęcie|фото)\s*[.:]\s*\S",
    r"\(credit:", r"\bgetty images\b", r"©\s*\S", r"^anzeige\b", r"^werbung\b", r"^\*?werbung\b", r"^advertisement\b",
]

# Headings that open a list of other pages or the comments: at the end of a text, what follows
# them (short lines) goes with them.
_OPENERS = [
    r"related( posts| articles| stories| content| topics| news| reading)?", r"you (may|might) (also )?(like|enjoy)",
    r"(more|other) (from|on|in|stories|news|articles|posts)\b.*", r"most (read|popular|viewed|shared)( stories| articles)?",
    r"recommended( for you| reading| stories| articles)?", r"see also", r"(also|read) (read|also|next)", r"trending( now| stories)?",
    r"popular (posts|articles|stories)", r"recent (posts|articles|comments)", r"latest (news|posts|articles|stories)",
    r"leave a (comment|reply)", r"\d* ?(comments?|responses?|replies)( \(\d+\))?", r"(what|don't) miss", r"in (this|other) news",
    r"mehr (zum thema|dazu|zu diesem thema|aus (der|dem) (rubrik|ressort)|artikel|themen|nachrichten)\b.*",
    r"(das )?(könnte|dürfte) (sie|dich) auch interessieren", r"auch interessant", r"lesen sie (auch|mehr|dazu|weiter)",
    r"auch lesen", r"(beliebte|ähnliche|verwandte|empfohlene|weitere|neueste|aktuelle|meistgelesene|passende) (artikel|beiträge|themen|nachrichten|meldungen|news|posts|inhalte)\b.*",
    r"zum weiterlesen", r"(das thema |diese themen )?könnten? (sie|dich) auch interessieren", r"lesen sie auch( die folgenden beiträge)?",
    r"weitere (aktuelle |interessante )?(themen|artikel|beiträge|nachrichten|meldungen)\b.*", r"m[aá]s (sobre|noticias|de)\b.*",
    r"plus d'articles\b.*", r"dans la m[êe]me (rubrique|cat[ée]gorie)", r"schon gelesen\??", r"(top|weitere)[- ]themen\b.*", r"meistgelesen", r"kommentare?( \(\d+\))?",
    r"(à )?lire (aussi|également)", r"sur le même (sujet|thème)", r"articles? (similaires|connexes|li[ée]s|recommand[ée]s)",
    r"(vous|tu) (aimerez|aimeriez|pourriez aimer) (aussi|également)", r"voir aussi", r"(les )?plus lus", r"dans la même rubrique",
    r"(notas|noticias|art[ií]culos|publicaciones) relacionad[oa]s", r"(te|le) puede interesar", r"tambi[eé]n te (puede|podr[ií]a) interesar",
    r"(lo )?m[aá]s le[ií]d[oa]s?", r"contenido relacionado", r"vea tambi[eé]n", r"ver tambi[eé]n", r"lea tambi[eé]n",
    r"leggi anche", r"articoli correlati", r"(ti )?potrebbe (anche )?interessar(ti|e)( anche)?", r"(i )?più letti", r"notizie correlate",
    r"leia (também|mais)", r"veja também", r"(artigos|notícias|posts) relacionad[oa]s", r"você (também )?pode gostar", r"(os )?mais lid[oa]s",
    r"lees ook", r"gerelateerde (artikelen|berichten)", r"meer (nieuws|artikelen|over dit onderwerp)", r"dit vind je (misschien )?ook leuk",
    r"meest gelezen", r"читайте (также|тоже|ещё)", r"(похожие|связанные|другие) (статьи|новости|записи|материалы)",
    r"смотрите также", r"(самое )?популярное", r"по теме", r"(ещё|новости) по теме", r"czytaj (też|także|również)",
    r"zobacz (też|także|również)", r"podobne (artykuły|wpisy)", r"polecane( artykuły)?", r"najczęściej czytane",
]
_OPENER = re.compile(r"^(?:" + "|".join(_OPENERS) + r")\s*[:.!…»>]*$", re.I)

# "Read more: <title>" lines, removed anywhere.
_SEE_ALSO_LABELS = [
    r"read (more|also|next)", r"also read", r"see also", r"related", r"more", r"lesen sie (auch|hier|mehr|dazu|weiter)",
    r"auch lesen", r"mehr (dazu|zum thema)", r"auch interessant", r"siehe auch", r"(à )?lire (aussi|également)", r"voir aussi",
    r"lea (tambi[eé]n|m[aá]s)", r"lea", r"(le|te) puede interesar", r"vea tambi[eé]n", r"ver tambi[eé]n", r"mira", r"mire",
    r"leggi anche", r"leia (também|mais)", r"veja também", r"saiba mais", r"lees ook", r"читайте (также|тоже)",
    r"czytaj (też|także|również)", r"zobacz (też|także|również)", r"dowiedz się więcej",
]
_SEE_ALSO = re.compile(r"^[ \t>»•*-]*(?:" + "|".join(_SEE_ALSO_LABELS) + r")\s*[:»>|]+[ \t]*\S.*$", re.I | re.M)

# Whole UI sentences: chrome although long or sentence-shaped.
_UI_SENTENCES = [
    r"your e-?mail( address)? will not be published", r"required fields are marked", r"you must be logged in to post a comment",
    r"sign up (for|to) (our|the) [\w\s'-]*newsletter", r"subscribe to (our|the) [\w\s'-]*(newsletter|channel|podcast)",
    r"(get|receive) (our|the) [\w\s'-]*newsletter", r"this (article|content|material) (is|may not be) [\w\s,-]*(copyright|reproduced|republished|redistributed)",
    r"may not be (published|reproduced), broadcast", r"follow (us|\w+) on (facebook|twitter|instagram|x|telegram|linkedin)",
    r"(download|get) (our|the) [\w\s'-]*app\b", r"we use cookies", r"(this|our) (web)?site uses cookies",
    r"by (clicking|continuing|using (this|our) (site|website))", r"all rights reserved", r"terms of (use|service)",
    r"deine e-mail-adresse wird nicht veröffentlicht", r"ihre e-mail-adresse wird nicht veröffentlicht",
    r"erforderliche felder sind (mit \* )?markiert", r"(melden sie sich|melde dich) (für|zu) (unserem|unseren|den) [\w\s-]*newsletter",
    r"(abonnieren sie|abonniere) (unseren|den) [\w\s-]*newsletter", r"wir verwenden cookies", r"diese (web)?seite (verwendet|nutzt) cookies",
    r"alle rechte vorbehalten", r"votre adresse (e-?mail|de messagerie|courriel) ne sera pas publiée",
    r"inscrivez-vous à (notre|la) [\w\s'-]*newsletter", r"nous utilisons des cookies", r"ce site utilise des cookies",
    r"tous droits réservés", r"tu (dirección de )?correo electrónico no será publicad[oa]", r"suscr[ií]bete a (nuestro|nuestra|el|la) ",
    r"utilizamos cookies", r"este sitio (web )?utiliza cookies", r"todos los derechos reservados",
    r"il tuo indirizzo email non sarà pubblicato", r"iscriviti alla (nostra )?newsletter", r"utilizziamo (i )?cookie",
    r"questo sito utilizza (i )?cookie", r"tutti i diritti riservati", r"o seu endereço de e-?mail não será publicado",
    r"seu e-?mail não será publicado", r"assine (a nossa|nossa) newsletter", r"utilizamos cookies", r"todos os direitos reservados",
    r"je e-?mailadres wordt niet gepubliceerd", r"schrijf je in voor (onze|de) nieuwsbrief", r"wij gebruiken cookies",
    r"deze (web)?site gebruikt cookies", r"alle rechten voorbehouden", r"ваш (адрес )?(email|e-mail|электронной почты) не будет опубликован",
    r"подпишитесь на (наш|нашу|наши)", r"мы используем (файлы )?cookie", r"все права защищены", r"twój adres e-?mail nie zostanie opublikowany",
    r"wszelkie prawa zastrzeżone",
    # newsletter blurbs
    r"(to|in|into) your inbox", r"(in )?(ihr|ihrem|dein|deinem|ihren|deinen) (e-mail-)?(postfach|posteingang)",
    r"dans votre boîte (mail|e-mail|de réception|aux lettres)", r"en tu (bandeja de entrada|correo)", r"nella tua (casella|email|posta)",
    r"no seu (e-mail|email)", r"na sua caixa de entrada", r"in je (inbox|mailbox)", r"на (вашу|твою) (почту|электронную почту)",
    r"на ваш (email|e-mail|почтовый ящик)", r"na (twoją|twoja) skrzynkę",
    # invitations to sign up, subscribe, follow, support, comment; ad and affiliate notices
    r"sign up (to|for) (get|receive|our|the)", r"free sign up", r"(subscribe|sign up) (now|today|here)\b",
    r"never miss (a|an|our|the) ", r"support(ing)? (our|independent) (work|journalism|reporting)",
    r"would you consider (supporting|donating|subscribing)",
    r"follow [\w@'’. -]{1,40} on (facebook|twitter|instagram|x|telegram|linkedin|youtube|tiktok)\b",
    r"download (the|our) [\w\s'’-]*apps?\b", r"letters? to the editor", r"affiliate[- ](links?|commission|partner)",
    r"(we|i) (may )?(earn|receive) (a )?(small )?commission", r"(mit|zu|für) (unserem|unseren|den) [\w-]*newsletter",
    r"in (deinen|ihren|dein|ihr) (posteingang|postfach)", r"(eingeloggt|angemeldet) sein,? um", r"in den kommentaren",
    r"(enthält|enthalten) (werbung|affiliate|anzeigen)", r"unterstütze(n sie)? (uns|unsere arbeit|unseren journalismus|[\w-]+)( jetzt| bereits)? mit \d", r"unterstütze(n sie)? unsere arbeit",
    r"jetzt (kostenlos )?(registrieren|anmelden|abonnieren|testen)", r"mit der registrierung akzeptieren",
    r"folge(n sie)? [\w@ .-]{1,40} auf (facebook|twitter|instagram|telegram|youtube)",
    r"inscrivez-vous (à|pour|gratuitement)", r"abonnez-vous (à|pour)", r"suivez-nous sur", r"pour lire la suite",
    r"pour accéder en illimité", r"recevez (notre|la) newsletter", r"suscr[ií]b(ete|irse|ase) (a|aqu[ií]|ahora|gratis)",
    r"(nuestro|nuestra) canal de (youtube|telegram|whatsapp)", r"canal de telegram", r"s[ií]guenos en", r"[úu]nete (a nuestro|desde)",
    r"hazte miembro", r"iscriviti (alla|al|per)", r"seguici su", r"il nostro canale (youtube|telegram)",
    r"inscreva-se (no|na|para)", r"siga-nos (no|nas|em)", r"nosso canal (no youtube|do telegram|no telegram)",
    r"schrijf je (nu )?in (voor|op)", r"volg ons op", r"meld je aan voor", r"подписывайтесь на", r"наш (telegram|телеграм)[- ]канал",
    r"читайте нас в", r"zapisz się (do|na)", r"obserwuj nas (na|w)", r"materiał chroniony prawem autorskim", r"zasady przedruków",
]



class PhraseSet:
    r"""Many phrase patterns, each matching at the start of a word, searched at once: 20-50x
    faster than one alternation of them with `re.search` on a 20-word line, which tries
    every pattern at every character. Each pattern is tried only at word starts whose first
    two characters can begin it; the possible starts come from the parsed pattern (Python's
    own regex parser), and a pattern whose start cannot be worked out is tried at every word
    start. `search(line)` gives what `re.search(r"(?<!\w)(?:p1|p2|...)", line, re.I)` gives
    (tests/test_clean.py checks it)."""

    _WORD_START = re.compile(r"(?<!\w)(?:[^\W_]|[©(])")

    def __init__(self, patterns: list[str]) -> None:
        self.by_two: dict[str, list[re.Pattern]] = {}
        self.by_one: dict[str, list[re.Pattern]] = {}
        self.anywhere: list[re.Pattern] = []
        for pattern in patterns:
            compiled = re.compile(pattern, re.I)
            starts = _starts(pattern)
            if starts is None or "" in starts:
                self.anywhere.append(compiled)
                continue
            for start in starts:
                table = self.by_two if len(start) == 2 else self.by_one
                table.setdefault(start if len(start) == 2 else start[0], []).append(compiled)
        self.fallback = re.compile(r"(?<!\w)(?:" + "|".join(patterns) + ")", re.I)

    def search(self, line: str) -> bool:
        low = line.lower()
        if len(low) != len(line):  # a character whose lower case is longer ("İ"): positions would differ
            return self.fallback.search(line) is not None
        by_two, by_one, anywhere = self.by_two, self.by_one, self.anywhere
        for m in self._WORD_START.finditer(low):
            p = m.start()
            for group in (by_two.get(low[p:p + 2]), by_one.get(low[p]), anywhere):
                if group:
                    for compiled in group:
                        if compiled.match(line, p):
                            return True
        return False


def _starts(pattern: str) -> set[str] | None:
    r"""The lower-case strings of up to two characters a match of `pattern` can begin with
    (None: not known, e.g. a pattern that starts with \w or a wide class)."""
    try:
        from re import _parser as sre_parse  # the stdlib's parser (private, so any failure means "not known")

        parsed = list(sre_parse.parse(pattern, re.I))
    except Exception:
        return None
    try:
        return _prefixes(parsed, 2)
    except _Unknown:
        return None


class _Unknown(Exception):
    pass


def _prefixes(items: list, need: int) -> set[str]:
    if need == 0 or not items:
        return {""}
    from re import _constants as c  # noqa: N811

    op, av = items[0]
    rest = items[1:]
    if op is c.AT:
        return _prefixes(rest, need)
    if op is c.LITERAL:
        return {chr(av).lower() + tail for tail in _prefixes(rest, need - 1)}
    if op is c.IN:
        chars = []
        for sub_op, sub_av in av:
            if sub_op is c.LITERAL:
                chars.append(chr(sub_av).lower())
            elif sub_op is c.RANGE and sub_av[1] - sub_av[0] < 4:
                chars.extend(chr(x).lower() for x in range(sub_av[0], sub_av[1] + 1))
            else:
                raise _Unknown
        tails = _prefixes(rest, need - 1)
        return {ch + tail for ch in chars for tail in tails}
    if op is c.SUBPATTERN:
        return _prefixes(list(av[-1]) + rest, need)
    if op is c.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            out |= _prefixes(list(branch) + rest, need)
        return out
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, _high, sub = av
        once = _prefixes(list(sub) + rest, need)
        if low == 0:
            return once | _prefixes(rest, need)
        if low == 1:
            return once | _prefixes(list(sub) + list(sub) + rest, need)
        raise _Unknown
    raise _Unknown


_ANCHORED = [p for p in _UI_PHRASES if p.startswith("^")]
_UI_START = re.compile(_UI_WORD + "|" + "|".join(f"(?:{p[1:]})" for p in _ANCHORED), re.I)  # .match: at the start only
_UI_ANY = PhraseSet([p for p in _UI_PHRASES if not p.startswith("^")])
_UI_SENTENCE = PhraseSet(_UI_SENTENCES)
_HAS_LETTER = re.compile(r"[^\W\d_]")
_SEPARATORS = re.compile(r"[\d\s|/\\\-\u2010-\u2015_.,:;·•*#+~=<>«»›‹]*|\(\d+\)|\[\d+\]")
_LIST_ITEM = re.compile(r"\s*[-*•–]\s+\S")
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")

_PROSE, _CHROME, _OTHER, _BLANK, _NEUTRAL, _SENTENCE = 0, 1, 2, 3, 4, 5


def _kind(line: str, max_words: int) -> int:
    stripped = line.strip()
    if not stripped:
        return _BLANK
    if not _HAS_LETTER.search(stripped):
        # separators and counters ("|", "—", "•", "12", "(3)"); not emoticons like "=)" or ":-(",
        # which end real posts (extraction-dev: seelenradio.de)
        return _NEUTRAL if len(stripped) <= 20 and _SEPARATORS.fullmatch(stripped) is not None else _OTHER
    n_words = len(stripped.split())
    if n_words <= SEE_ALSO_WORDS and _SEE_ALSO.match(stripped):
        return _CHROME
    if n_words > max_words:
        if n_words <= UI_SENTENCE_WORDS:
            if _UI_SENTENCE.search(stripped):
                return _CHROME
            if not _SENTENCE_END.search(stripped):
                return _OTHER  # a long title ("Flat, Free Education For Indore Egg Seller ... Over Rs. 100 Bribe")
        return _PROSE
    if _UI_START.match(stripped) or _OPENER.match(stripped) or _UI_ANY.search(stripped) or _UI_SENTENCE.search(stripped):
        return _CHROME
    if n_words >= PROSE_MIN_WORDS and _SENTENCE_END.search(stripped):
        return _SENTENCE
    return _OTHER


def is_chrome_line(line: str, max_words: int = 14) -> bool:
    """A blank line, a line without letters that is a separator or counter, or a short line of
    site-interface vocabulary (a whole UI sentence may be longer)."""
    return _kind(line, max_words) in (_CHROME, _BLANK, _NEUTRAL)


def is_prose_line(line: str, max_words: int = 14) -> bool:
    """A line the edge scan never removes and never crosses."""
    return _kind(line, max_words) == _PROSE


def article_span(lines: list[str], max_words: int = 14) -> tuple[int, int] | None:
    """The first and last line of the article part of a text: its first and last prose lines
    (else its first and last sentences or long titles); None when it has none of them. The
    edge blocks are what lies outside."""
    kinds: dict[int, int] = {}

    def kind(i: int) -> int:
        k = kinds.get(i)
        if k is None:
            k = kinds[i] = _kind(lines[i], max_words)
        return k

    n = len(lines)
    first = next((i for i in range(n) if kind(i) == _PROSE), None)
    if first is not None:
        return first, next(i for i in range(n - 1, first - 1, -1) if kind(i) == _PROSE)
    anchors = [i for i in range(n) if kind(i) == _SENTENCE or (kind(i) == _OTHER and len(lines[i].split()) > max_words)]
    return (anchors[0], anchors[-1]) if anchors else None


def chrome_line_numbers(lines: list[str], max_words: int = 14, learned: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """The numbers of the lines to remove (sorted): edge blocks and "see also" lines. `learned`:
    line numbers known to be chrome from elsewhere (corpus-wide boilerplate), counted as
    chrome lines in the blocks."""
    n = len(lines)
    if n == 0:
        return []
    kinds: list[int | None] = [None] * n

    def kind(i: int) -> int:
        k = kinds[i]
        if k is None:
            k = kinds[i] = _CHROME if i in learned and lines[i].strip() else _kind(lines[i], max_words)
        return k

    first_prose = next((i for i in range(n) if kind(i) == _PROSE), None)
    drop: set[int] = set()
    if first_prose is None:
        # no prose line: sentences and long titles mark where the article is, if there are any
        anchors = [i for i in range(n) if kinds[i] == _SENTENCE or (kinds[i] == _OTHER and len(lines[i].split()) > max_words)]
        if anchors:
            _edge(lines, [kind(i) for i in range(anchors[0])], 0, False, drop)
            _edge(lines, [kind(i) for i in range(anchors[-1] + 1, n)], anchors[-1] + 1, True, drop)
            return sorted(i for i in drop if lines[i].strip())
        # no prose at all: only the chrome lines at the very edges, one by one
        start = 0
        while start < n and kind(start) in (_CHROME, _BLANK, _NEUTRAL):
            drop.add(start)
            start += 1
        end = n
        while end > start and kind(end - 1) in (_CHROME, _BLANK, _NEUTRAL):
            drop.add(end - 1)
            end -= 1
        return sorted(i for i in drop if lines[i].strip())
    last_prose = next(i for i in range(n - 1, first_prose - 1, -1) if kind(i) == _PROSE)
    _edge(lines, [kind(i) for i in range(first_prose)], 0, False, drop)
    tail = [kind(i) for i in range(last_prose + 1, n)]
    _edge(lines, tail, last_prose + 1, True, drop)
    for i in range(first_prose + 1, last_prose):
        line = lines[i].strip()
        if len(line) > 300:  # 30 words; a cheap test, as every line of the text is looked at here
            continue
        if _SEE_ALSO.match(line):
            if len(line.split()) <= SEE_ALSO_WORDS:
                drop.add(i)
        elif _OPENER.match(line):
            # a "related" heading over a list of links: the heading and its items
            items = []
            j = i + 1
            while j < n and (not lines[j].strip() or (_LIST_ITEM.match(lines[j]) and len(lines[j].split()) <= SEE_ALSO_WORDS)):
                items.append(j)
                j += 1
            if any(lines[k].strip() for k in items):
                drop.add(i)
                drop.update(items)
    return sorted(i for i in drop if lines[i].strip())


def _edge(lines: list[str], kinds: list[int], offset: int, at_end: bool, drop: set[int]) -> None:
    """One edge block: `kinds` are its lines' kinds in text order, `offset` its first line's
    number. Rules 1-3 of the module docstring; lines without letters (counters, separators)
    vote neither way, and go when they lie in a removed span or at the very edge."""
    m = len(kinds)
    if m == 0:
        return
    kinds = _menus(lines, kinds, offset)
    walk = list(range(m - 1, -1, -1)) if at_end else list(range(m))
    chrome = other = 0
    span = 0                      # how many lines of `walk` the chosen span covers
    first_chrome: int | None = None
    opener = 0                    # lines of `walk` up to the innermost "related"/"comments" heading
    run = 0                       # chrome, separator and blank lines in a row from the edge
    for pos, j in enumerate(walk):
        k = kinds[j]
        if k in (_BLANK, _NEUTRAL):
            run += run == pos
            continue
        if k == _CHROME:
            run += run == pos
            drop.add(offset + j)
            if first_chrome is None:
                first_chrome = pos
            chrome += 1
            if chrome > other or (at_end and chrome >= END_BLOCK_SHARE * (chrome + other)):
                span = pos + 1
            if at_end and _OPENER.match(lines[offset + j].strip()):
                opener = pos + 1
        elif first_chrome is not None or at_end:
            other += 1
    drop.update(offset + walk[p] for p in range(run))
    if at_end:
        drop.update(offset + walk[p] for p in range(max(span, opener)))
    elif first_chrome is not None:
        drop.update(offset + walk[p] for p in range(first_chrome, span))


def _menus(lines: list[str], kinds: list[int], offset: int) -> list[int]:
    """Runs of at least MENU_LINES lines of at most MENU_WORDS words each ("Politik",
    "Wirtschaft", "Sport"), most of them different, that touch a chrome line count as chrome:
    the menus, tag clouds and button rows around "Startseite" or "Teilen:". Blank lines between them do not break
    a run (plain-text copies put one between every line)."""
    nonblank = [j for j, k in enumerate(kinds) if k != _BLANK]
    out = list(kinds)
    a = 0
    while a < len(nonblank):
        b = a
        while b < len(nonblank) and kinds[nonblank[b]] == _OTHER and _is_menu_item(lines[offset + nonblank[b]]):
            b += 1
        items = [lines[offset + nonblank[t]].strip().casefold() for t in range(a, b)]
        if b - a >= MENU_LINES and 2 * len(set(items)) > len(items):  # a menu's items lead to different places
            before = kinds[nonblank[a - 1]] if a > 0 else None
            after = kinds[nonblank[b]] if b < len(nonblank) else None
            if _CHROME in (before, after):
                for t in range(a, b):
                    out[nonblank[t]] = _CHROME
        a = b + 1 if b == a else b
    return out


def _is_menu_item(line: str) -> bool:
    words = line.split()
    return len(words) <= MENU_WORDS and not _SENTENCE_END.search(line.strip())


def strip_chrome_lines(text: str, max_words: int = 14, learned: set[int] | frozenset[int] = frozenset()) -> tuple[str, list[str]]:
    """Remove the chrome blocks at the text's edges and its "see also" lines (module docstring);
    return the text and the lines removed (for evidence). At most one blank line is left
    between kept lines, none at the ends."""
    lines = text.split("\n")
    drop = chrome_line_numbers(lines, max_words, learned)
    if not drop:
        return text, []
    gone = set(drop)
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in gone:
            continue
        if line.strip() or (out and out[-1].strip()):
            out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out), [lines[i].strip() for i in drop]
