"""Short news-style paragraphs in many languages and scripts, written for this project (no
corpus text), used by the language tests and by benchmarks/language_id.py.

Each language has three paragraphs on unrelated everyday topics (city council, weather,
sport), so a detector cannot lean on one topic's vocabulary.
"""

SAMPLES: dict[str, list[str]] = {
    "en": [
        "The city council voted on Tuesday to extend the tram line to the northern suburbs. "
        "Work is expected to begin next spring and to last about two years.",
        "Heavy rain is forecast for the weekend, and the weather service has warned drivers "
        "to expect flooding on several main roads near the river.",
        "The home team won the final match of the season by two goals, "
        "after a difficult first half in which they barely touched the ball.",
    ],
    "de": [
        "Der Stadtrat hat am Dienstag beschlossen, die Straßenbahnlinie bis in die nördlichen "
        "Vororte zu verlängern. Die Arbeiten sollen im nächsten Frühjahr beginnen.",
        "Für das Wochenende ist starker Regen angesagt, und der Wetterdienst warnt Autofahrer "
        "vor überfluteten Straßen in der Nähe des Flusses.",
        "Die Heimmannschaft gewann das letzte Spiel der Saison mit zwei Toren Vorsprung, "
        "nachdem sie in der ersten Halbzeit kaum den Ball gesehen hatte.",
    ],
    "fr": [
        "Le conseil municipal a voté mardi le prolongement de la ligne de tramway vers les "
        "banlieues du nord. Les travaux devraient commencer au printemps prochain.",
        "De fortes pluies sont attendues ce week-end, et les services météorologiques "
        "mettent en garde les automobilistes contre des inondations près du fleuve.",
        "L'équipe locale a remporté le dernier match de la saison avec deux buts d'avance, "
        "après une première mi-temps difficile où elle a à peine touché le ballon.",
    ],
    "es": [
        "El ayuntamiento aprobó el martes la ampliación de la línea de tranvía hasta los "
        "barrios del norte. Las obras comenzarán la próxima primavera.",
        "Se esperan fuertes lluvias durante el fin de semana, y el servicio meteorológico "
        "advierte a los conductores de posibles inundaciones cerca del río.",
        "El equipo local ganó el último partido de la temporada por dos goles, "
        "tras una primera parte difícil en la que apenas tocó el balón.",
    ],
    "it": [
        "Il consiglio comunale ha approvato martedì il prolungamento della linea del tram "
        "verso i quartieri a nord. I lavori dovrebbero iniziare la prossima primavera.",
        "Sono previste forti piogge per il fine settimana e il servizio meteorologico avverte "
        "gli automobilisti del rischio di allagamenti vicino al fiume.",
        "La squadra di casa ha vinto l'ultima partita della stagione con due gol di scarto, "
        "dopo un primo tempo difficile in cui ha toccato pochissimi palloni.",
    ],
    "pt": [
        "A câmara municipal aprovou na terça-feira o prolongamento da linha de elétrico até "
        "aos bairros do norte. As obras deverão começar na próxima primavera.",
        "Estão previstas chuvas fortes para o fim de semana, e o serviço meteorológico "
        "alerta os condutores para possíveis inundações perto do rio.",
        "A equipa da casa venceu o último jogo da época por dois golos, "
        "depois de uma primeira parte difícil em que quase não tocou na bola.",
    ],
    "nl": [
        "De gemeenteraad heeft dinsdag besloten de tramlijn door te trekken naar de noordelijke "
        "wijken. De werkzaamheden beginnen naar verwachting volgend voorjaar.",
        "Voor het weekend wordt zware regen verwacht en het weerinstituut waarschuwt "
        "automobilisten voor overstromingen op wegen langs de rivier.",
        "De thuisploeg won de laatste wedstrijd van het seizoen met twee doelpunten verschil, "
        "na een moeizame eerste helft waarin ze nauwelijks aan de bal kwamen.",
    ],
    "pl": [
        "Rada miasta zdecydowała we wtorek o przedłużeniu linii tramwajowej do północnych "
        "dzielnic. Prace mają się rozpocząć wiosną przyszłego roku.",
        "Na weekend zapowiadane są ulewne deszcze, a służby meteorologiczne ostrzegają "
        "kierowców przed podtopieniami dróg w pobliżu rzeki.",
        "Gospodarze wygrali ostatni mecz sezonu różnicą dwóch bramek, "
        "choć w pierwszej połowie prawie nie mieli piłki.",
    ],
    "is": [
        "Borgarstjórn samþykkti á þriðjudag að lengja sporvagnaleiðina til norðurhverfanna. "
        "Framkvæmdir eiga að hefjast næsta vor og standa í um tvö ár.",
        "Spáð er mikilli rigningu um helgina og Veðurstofan varar ökumenn við flóðum "
        "á nokkrum vegum nálægt ánni.",
        "Heimaliðið vann síðasta leik tímabilsins með tveggja marka mun "
        "eftir erfiðan fyrri hálfleik.",
    ],
    "ru": [
        "Городской совет во вторник проголосовал за продление трамвайной линии в северные "
        "районы. Работы должны начаться следующей весной и продлятся около двух лет.",
        "На выходные синоптики обещают сильные дожди и предупреждают водителей о возможных "
        "подтоплениях дорог рядом с рекой.",
        "Хозяева поля выиграли последний матч сезона с разницей в два мяча, "
        "хотя в первом тайме почти не владели мячом.",
    ],
    "uk": [
        "Міська рада у вівторок проголосувала за продовження трамвайної лінії до північних "
        "районів. Роботи мають розпочатися наступної весни.",
        "На вихідні синоптики прогнозують сильні дощі й попереджають водіїв про можливі "
        "підтоплення доріг біля річки.",
        "Господарі поля виграли останній матч сезону з різницею у два м'ячі, "
        "хоча в першому таймі майже не торкалися м'яча.",
    ],
    "bg": [
        "Общинският съвет гласува във вторник удължаването на трамвайната линия до северните "
        "квартали. Работата трябва да започне следващата пролет.",
        "За уикенда се очакват силни дъждове, а метеоролозите предупреждават шофьорите "
        "за възможни наводнения по пътищата край реката.",
        "Домакините спечелиха последния мач за сезона с два гола разлика, "
        "въпреки трудното първо полувреме.",
    ],
    "el": [
        "Το δημοτικό συμβούλιο ψήφισε την Τρίτη την επέκταση της γραμμής του τραμ προς τα "
        "βόρεια προάστια. Οι εργασίες αναμένεται να ξεκινήσουν την επόμενη άνοιξη.",
        "Ισχυρές βροχές αναμένονται το Σαββατοκύριακο και η μετεωρολογική υπηρεσία "
        "προειδοποιεί τους οδηγούς για πλημμύρες κοντά στο ποτάμι.",
        "Η γηπεδούχος ομάδα κέρδισε τον τελευταίο αγώνα της σεζόν με διαφορά δύο τερμάτων, "
        "μετά από ένα δύσκολο πρώτο ημίχρονο.",
    ],
    "zh": [
        "市议会周二投票决定将有轨电车线路延伸至北部郊区。工程预计明年春天开始，持续约两年。",
        "气象部门预报本周末将有大雨，并提醒司机注意河边几条主要道路可能出现积水。",
        "主队以两球优势赢得了本赛季最后一场比赛，尽管上半场他们几乎没有控球。",
    ],
    "ja": [
        "市議会は火曜日、路面電車の路線を北部の郊外まで延伸することを決めた。工事は来年の春に始まる予定だ。",
        "週末は大雨が予想されており、気象台は川沿いの道路が冠水するおそれがあるとして運転者に注意を呼びかけている。",
        "地元のチームは前半に苦しみながらも、今シーズン最後の試合を二点差で制した。",
    ],
    "ko": [
        "시의회는 화요일 노면전차 노선을 북부 교외까지 연장하기로 의결했다. 공사는 내년 봄에 시작될 예정이다.",
        "주말에는 많은 비가 예보되어 있으며 기상청은 강 주변 도로가 침수될 수 있다며 운전자들에게 주의를 당부했다.",
        "홈팀은 전반전에 고전했지만 시즌 마지막 경기에서 두 골 차로 승리했다.",
    ],
    "tr": [
        "Belediye meclisi salı günü tramvay hattının kuzey mahallelere uzatılmasına karar verdi. "
        "Çalışmaların önümüzdeki ilkbaharda başlaması bekleniyor.",
        "Hafta sonu için şiddetli yağış bekleniyor ve meteoroloji sürücüleri nehir kenarındaki "
        "yollarda su baskınlarına karşı uyarıyor.",
        "Ev sahibi takım, ilk yarıda zorlanmasına rağmen sezonun son maçını iki farkla kazandı.",
    ],
    "ar": [
        "صوّت مجلس المدينة يوم الثلاثاء على تمديد خط الترام إلى الضواحي الشمالية، "
        "ومن المتوقع أن تبدأ الأعمال في الربيع المقبل.",
        "من المتوقع هطول أمطار غزيرة خلال عطلة نهاية الأسبوع، وحذرت هيئة الأرصاد السائقين "
        "من فيضانات محتملة على الطرق القريبة من النهر.",
        "فاز الفريق المضيف بالمباراة الأخيرة من الموسم بفارق هدفين رغم شوط أول صعب.",
    ],
}
