"""Hand-written article texts for the shipped example crawl (made-up towns, people and sites)."""

ARTICLES = {
    "ferry": {
        "title": "Harbour council approves electric ferry for Kestrel Bay crossing",
        "date": "2024-03-04",
        "paragraphs": [
            "The Kestrel Bay harbour council voted on Monday to replace the diesel ferry on the bay crossing with a battery-electric vessel, ending a debate that has divided the town for almost three years.",
            "Councillors approved the purchase by seven votes to two after a four-hour meeting in the old customs hall. The new ferry, built by the Norwegian yard Fjordverk, will carry 180 passengers and 24 cars and is due to enter service in the spring of 2026.",
            "\"This is the largest single investment the harbour has made since the breakwater was rebuilt,\" said council chair Miriam Ostrowski. \"It cuts our fuel bill, it cuts the noise on the quay, and it means the crossing no longer depends on the price of diesel.\"",
            "The vessel will cost 14.2 million euros, of which 6 million comes from a regional climate fund. The rest will be borrowed over twenty years and repaid from ticket income, which the council expects to rise once the timetable is extended to late evenings.",
            "Opponents argued that the charging station on the north pier would need a new grid connection that the utility cannot deliver before 2027. Councillor Dag Helmersen, who voted against, said the town risked \"buying a boat it cannot plug in\".",
            "The utility, Bay Energy, said in a statement that it was confident the connection could be ready in time if planning permission for the substation was granted this summer.",
            "The old ferry, the Sula, has served the crossing since 1989. The council said it would try to sell her to an island community rather than scrap her.",
        ],
    },
    "library": {
        "title": "Millbrook library to open on Sundays after volunteers step in",
        "date": "2024-03-06",
        "paragraphs": [
            "Millbrook's central library will open on Sundays for the first time in its history from next month, after more than sixty residents signed up to staff the reading rooms alongside paid librarians.",
            "The library has been closed on Sundays since it was built in 1962. Head librarian Aylin Demirci said demand had grown sharply since the town's two secondary schools stopped opening their own study halls at weekends.",
            "\"Every Saturday we turn students away at four o'clock because we close,\" Demirci said. \"Parents have been asking for years. Now the volunteers have made it possible without cutting hours on weekdays.\"",
            "Volunteers will run the lending desk and the children's corner from eleven to five, while one paid librarian will supervise the building and the computer room. The town will spend about 40,000 euros a year on the extra heating, lighting and cleaning.",
            "The scheme will be reviewed after six months. If fewer than 150 people use the library on an average Sunday, the council may reduce the opening to two Sundays a month.",
            "The library also announced that its local history archive, which holds the minutes of the town council going back to 1871, will be digitised over the next two years with help from the regional archive service.",
        ],
    },
    "bridge": {
        "title": "Old Tanner Street bridge closed after inspectors find cracked beams",
        "date": "2024-03-08",
        "paragraphs": [
            "The Tanner Street bridge over the river Lune was closed to all traffic on Friday morning after inspectors found cracks in two of the steel beams that carry the road deck.",
            "The city's chief engineer, Paulo Ferreira, said the cracks were discovered during a routine inspection and that there was no immediate danger of collapse, but that the bridge could not safely carry buses or lorries until the beams were repaired.",
            "\"We closed it to pedestrians too, because we do not yet know how far the cracks go,\" Ferreira told reporters at the bridge. \"We will know more after the ultrasound tests next week.\"",
            "About 9,000 vehicles cross the bridge on an average weekday. Bus lines 4 and 11 have been diverted over the Mill Road bridge, which adds about ten minutes to the journey into the centre.",
            "Shopkeepers on Tanner Street said the closure came at the worst possible time, two weeks before the spring market. The city said it would set up a temporary footbridge if the repairs take longer than a month.",
            "The bridge was built in 1931 and last renovated in 1998. A plan to replace it with a wider concrete bridge was shelved in 2019 because of its cost, estimated then at 22 million euros.",
        ],
    },
    "orchard": {
        "title": "Late frost threatens cherry harvest in the Aster valley",
        "date": "2024-04-12",
        "paragraphs": [
            "Cherry growers in the Aster valley spent the night lighting fires and running sprinklers between the trees as temperatures fell to minus four degrees, the coldest April night in the valley for more than twenty years.",
            "The frost arrived just as most orchards were in full bloom, when the flowers are most vulnerable. Growers' association secretary Lotte Brandvold said it was too early to know how much of the crop had been lost.",
            "\"Some growers think they saved most of it, others have lost everything in the lower fields,\" Brandvold said. \"We will not know until the fruit sets in two or three weeks.\"",
            "The valley produces about 4,000 tonnes of cherries in a normal year, most of it sold fresh in supermarkets in June and July. A poor harvest would push up prices across the region.",
            "Several growers said they would ask the regional government for emergency aid, as it provided after the hail storms of 2017.",
        ],
    },
    "chess": {
        "title": "Twelve-year-old wins the Kestrel Bay open chess tournament",
        "date": "2024-03-11",
        "paragraphs": [
            "A twelve-year-old schoolgirl from Millbrook, Noor Haddad, won the Kestrel Bay open chess tournament on Sunday, beating two international masters on her way to the title.",
            "Haddad finished with seven points from eight games, half a point ahead of the top seed, Viktor Lund, whom she beat in the sixth round with a queen sacrifice that drew applause from the spectators.",
            "\"I was nervous against Lund because he is very strong in endgames, so I tried to win before we got there,\" Haddad said after the prize giving.",
            "The tournament, now in its thirty-first year, drew 164 players from nine countries. Organiser Hendrik Paasche said it was the largest field in the event's history.",
            "Haddad learned to play at the chess club of Millbrook library four years ago. She will represent the region at the national youth championship in July.",
        ],
    },
    # An independent article about the same event as "bridge": same names, numbers and
    # topic, written separately. It must NOT be grouped with "bridge".
    "bridge_other": {
        "title": "Lune crossing shut: what the Tanner Street closure means for commuters",
        "date": "2024-03-09",
        "paragraphs": [
            "Commuters faced long queues on Mill Road on Saturday, a day after the city shut the Tanner Street bridge because of cracked steel beams.",
            "Traffic wardens were posted at both ends of the Mill Road bridge, which now takes most of the cars that used to cross the Lune in the centre. Buses on lines 4 and 11 ran up to twenty minutes late in the morning.",
            "Paulo Ferreira, the chief engineer, has promised ultrasound tests next week. Until they are done, nobody at city hall is willing to say when the 1931 bridge might reopen.",
            "For the traders of Tanner Street, the timing is painful. The spring market is a fortnight away, and a baker near the bridge said his Saturday takings had halved.",
            "Cyclists were among the hardest hit: the city has so far offered no detour for them, and the Mill Road bridge has no cycle lane.",
        ],
    },
}

# Short pieces of a fourth made-up site whose plain-text feed carries site chrome in every
# record (learned and removed as site boilerplate).
GLOSSY = [
    ("gp-2001", "2024-04-02", "A hat shop in Soho keeps the old felt press running",
     ["The last felt press in Greek Street still runs three days a week, and its owner has no plans to retire it.",
      "Marguerite Okafor bought the shop in 1998 from the family that had made hats there since the war. She steams, blocks and trims every hat by hand, and a homburg takes her two days.",
      "Customers come from as far as Osaka, she said, most of them sent by word of mouth rather than by the internet."]),
    ("gp-2002", "2024-04-05", "River swimmers ask for a cleaner Thames by summer",
     ["A group of river swimmers delivered a petition with 4,800 signatures to the water regulator on Friday, asking for sewage releases near Putney to stop before the summer season.",
      "The group meets every morning at seven below the bridge. Its founder, Tomasz Wierzbicki, said several members had fallen ill after heavy rain in March.",
      "The regulator said it would reply within 28 days."]),
    ("gp-2003", "2024-04-09", "The night bus that became a gallery",
     ["For one week in April the N29 carries paintings instead of adverts: twelve students from the Camberwell college have hung their work along the top deck.",
      "Passengers can vote for their favourite by text message, and the winner will be shown at the bus garage in Wood Green next month.",
      "The idea came from a driver, Ade Bankole, who said the route's regulars deserved something better to look at on the way home."]),
    ("gp-2004", "2024-04-11", "A cookbook of recipes from the city's allotments",
     ["Allotment holders in Hackney have collected sixty recipes for a cookbook that will be sold to raise money for new water tanks.",
      "Each recipe uses something grown on the plots, from rhubarb gin to a broad bean stew that one grower has made every June for forty years.",
      "The book goes on sale at the May fair, priced at twelve pounds."]),
]
GLOSSY_HEADER = "London Glossy Post \u00b7 Culture, style and the city"
GLOSSY_MIDDLE = "Advertisement"
GLOSSY_FOOTER = [
    "Photographs by the Glossy Post picture desk.",
    "London Glossy Post is an independent magazine, written and edited in London since 2009.",
]
