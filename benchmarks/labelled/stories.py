"""Hand-written made-up news stories for the labelled benchmark.

Each event has three articles, all written by hand for this benchmark:
- `original`: a news report;
- `paraphrase`: the same report rewritten by hand (same facts and order, new wording,
  sentences merged/split) -- a true rewrite, labelled with the original's group;
- `independent`: a second article about the same event by another outlet, with the same
  names, places and numbers but its own reporting, angle and sentences -- NOT a copy,
  labelled as its own group (variant `same-event`).
All names, places and events are invented.
"""

EVENTS = {
    "brackenford-water": {
        "title": "Burst main leaves 4,000 Brackenford homes without water",
        "original": [
            "About 4,000 homes in Brackenford were left without running water on Monday after a 60-year-old main burst under Station Road, flooding the street and two shops.",
            "Engineers from Wyvern Water were called at 5.40am and shut the main within an hour, but the utility said supplies would not be fully restored until Wednesday evening.",
            "\"The pipe is cast iron and was due for replacement next year,\" said Marta Oyelaran, Wyvern Water's operations manager. \"We are sorry for the disruption and are bringing in bottled water.\"",
            "Bottled water stations have been set up at the leisure centre on Mill Lane and at St Aidan's church hall. Residents who are elderly or unwell can ask for deliveries by calling the company's helpline.",
            "Station Road will remain closed to traffic between the railway bridge and the market square while repairs continue.",
        ],
        "paraphrase": [
            "Roughly four thousand households in Brackenford lost their water supply on Monday when a sixty-year-old pipe gave way beneath Station Road, sending water into the road and into a pair of shops.",
            "Wyvern Water sent engineers after being alerted at 5.40am. They had isolated the pipe inside sixty minutes; even so, the company expects the supply to be completely back only by Wednesday night.",
            "According to Marta Oyelaran, who runs operations at Wyvern Water, the cast-iron main had been scheduled to be replaced next year. She apologised for the inconvenience and said bottled water was on its way.",
            "People can pick up bottles at Mill Lane leisure centre or the hall of St Aidan's church, and anyone elderly or in poor health may phone the helpline to have water brought to the door.",
            "Traffic is barred from Station Road from the railway bridge to the market square until the work is finished.",
        ],
        "independent": [
            "Shopkeepers on Station Road were mopping out their premises on Monday as Brackenford counted the cost of the burst water main that cut supplies to some 4,000 homes.",
            "Priya Natt, who runs the Corner Deli, said the water was ankle deep behind her counter by 6am. \"We have lost a fridge and all our stock. Nobody has told us who pays,\" she said.",
            "Next door, the charity shop will stay shut for the week. Its manager, Colin Rudd, said volunteers had carried donated clothes upstairs as the water rose.",
            "Wyvern Water says the 60-year-old pipe was on its list for replacement next year and that supplies should be back by Wednesday. Councillor Ann Bexley said she would ask the company to compensate businesses and to publish its plans for the other old mains in the town.",
            "Queues formed at the leisure centre on Mill Lane, where staff handed out bottled water through the afternoon.",
        ],
    },
    "orlen-wind": {
        "title": "Orlen Valley wind farm approved after two-year planning battle",
        "original": [
            "Plans for a 14-turbine wind farm in the Orlen Valley were approved by the county planning committee on Thursday by seven votes to four, ending a two-year dispute.",
            "The developer, Tessaly Renewables, says the turbines will generate enough electricity for about 38,000 homes and will pay a community fund of 210,000 euros a year to the three nearest villages.",
            "Opponents had argued that the 150-metre towers would spoil views from the Orlen ridge walk and disturb a colony of red kites.",
            "Committee chair Joanna Pirelli said the council had imposed conditions, including a pause in construction during the kites' nesting season and a bird survey every spring for five years.",
            "Construction is expected to start next summer and take eighteen months.",
        ],
        "paraphrase": [
            "On Thursday the county planning committee gave the go-ahead, seven votes against four, to a fourteen-turbine wind farm in the Orlen Valley. The decision closes a dispute that had lasted two years.",
            "Tessaly Renewables, which is behind the project, expects the site to supply roughly 38,000 households with power. It has also promised the three villages closest to the turbines 210,000 euros annually through a community fund.",
            "Campaigners against the scheme said towers 150 metres tall would ruin the view from the ridge walk above the valley and would harm the red kites that breed there.",
            "The committee's chair, Joanna Pirelli, said conditions had been attached: no building work while the kites are nesting, and five years of bird surveys each spring.",
            "Work should begin next summer and last a year and a half.",
        ],
        "independent": [
            "Residents of Lower Orlen say they will seek a judicial review after councillors backed the 14-turbine wind farm on the hills above their village.",
            "\"We were told our objections mattered. Seven councillors ignored them,\" said Harold Fenwick, secretary of the Save Orlen Ridge group, which collected 2,300 signatures against the scheme.",
            "The group has hired a planning barrister and says the bird survey used by Tessaly Renewables was carried out in the wrong months to count the valley's red kites.",
            "Supporters point to the 210,000 euros a year the developer will pay into a fund for local villages. Parish councillor Leah Moss said it could pay for a new bus service and repairs to the village hall.",
            "The turbines, 150 metres high, would be visible from three counties, according to a map published by the campaign.",
        ],
    },
    "port-sallow-rescue": {
        "title": "Lifeboat crew rescues five from sinking trawler off Port Sallow",
        "original": [
            "Five fishermen were rescued from a sinking trawler eleven miles off Port Sallow early on Saturday after their boat began taking on water in a force eight gale.",
            "The Port Sallow lifeboat reached the 19-metre trawler Maid of Kerris at 3.15am, about forty minutes after the skipper sent a mayday call. A coastguard helicopter from Dunmere also joined the search.",
            "Lifeboat helmsman Tomas Quill said the crew had pumped water from the engine room for more than an hour before it became clear the vessel could not be saved.",
            "\"Conditions were about as bad as they get. The crew of the trawler did everything right,\" Quill said.",
            "All five men were taken to Port Sallow harbour and checked by paramedics. One was treated for mild hypothermia. The Maid of Kerris sank shortly after 5am.",
        ],
        "paraphrase": [
            "In the early hours of Saturday five fishermen were pulled from their trawler eleven miles out from Port Sallow, after water started flooding into the boat during a force eight gale.",
            "The skipper of the 19-metre Maid of Kerris issued a mayday, and some forty minutes later, at 3.15am, the Port Sallow lifeboat arrived alongside. A coastguard helicopter flew out from Dunmere to help.",
            "For over an hour the lifeboat crew pumped out the flooded engine room, said helmsman Tomas Quill, until they accepted that the trawler was lost.",
            "Quill described the weather as close to the worst possible and praised the fishermen for doing everything correctly.",
            "Paramedics examined the five men once they were landed at Port Sallow harbour; one needed treatment for mild hypothermia. Soon after 5am the Maid of Kerris went down.",
        ],
        "independent": [
            "The owner of the Maid of Kerris, the trawler that sank off Port Sallow on Saturday, says the loss may end his family's eighty years in fishing.",
            "Declan Abbot, whose grandfather bought the family's first boat in 1944, said the 19-metre vessel was insured for less than half the cost of replacing it.",
            "\"The lads are safe, and that is what matters. But without a boat there is no business,\" Abbot said at the harbour on Sunday.",
            "The Marine Accident Investigation Branch said it would examine why the trawler began taking on water. Local fishermen have started a collection for the five crew members, who lost their gear and a week's catch.",
            "The Port Sallow lifeboat station, which launched eleven miles into a force eight gale to reach the boat, has received more than 4,000 euros in donations since the rescue.",
        ],
    },
    "lindqvist-theft": {
        "title": "Painting stolen from Lindqvist Museum during opening hours",
        "original": [
            "A small oil painting by the nineteenth-century artist Elin Dahlberg was stolen from the Lindqvist Museum in Sorvik on Tuesday afternoon while the gallery was open to visitors.",
            "Staff noticed the empty frame in room 6 shortly before closing at 5pm. The painting, a 30 by 40 centimetre view of Sorvik harbour, is valued at about 250,000 euros.",
            "Police said the thief had probably cut the canvas from the frame and left through the museum's main entrance. Officers are studying footage from the museum's 22 cameras.",
            "Museum director Karin Aalto said the work had been on loan from a private collector. \"We are devastated, and we are working closely with the police,\" she said.",
            "The museum will stay closed on Wednesday. Police have asked anyone who visited on Tuesday afternoon to come forward.",
        ],
        "paraphrase": [
            "On Tuesday afternoon, with visitors walking through its galleries, the Lindqvist Museum in Sorvik had an oil painting by the nineteenth-century painter Elin Dahlberg stolen.",
            "Just before the 5pm closing time, staff found an empty frame in room 6. The stolen picture shows Sorvik harbour, measures 30 by 40 centimetres and is worth around 250,000 euros.",
            "According to the police, the canvas was most likely cut out of its frame and carried out through the front entrance. Investigators are going through recordings from all 22 of the museum's cameras.",
            "Karin Aalto, the museum's director, said a private collector had lent the painting. She said staff were devastated and were cooperating fully with officers.",
            "There will be no opening on Wednesday, and police want to hear from everyone who was in the museum on Tuesday afternoon.",
        ],
        "independent": [
            "Security at the Lindqvist Museum was cut last year to save money, a former guard said on Wednesday, a day after a Dahlberg painting worth 250,000 euros disappeared from room 6.",
            "Nils Berg, who worked at the Sorvik museum for twelve years, said the number of guards on duty during opening hours had fallen from four to two. \"Two people cannot watch eleven rooms,\" he said.",
            "The city council, which funds the museum, confirmed that the security budget had been reduced but said the 22 cameras had been upgraded at the same time.",
            "Art crime experts say small canvases are often stolen to order. \"A picture this size fits under a coat,\" said Dr Lena Hovi of Sorvik University.",
            "Director Karin Aalto declined to comment on staffing while the police investigation continues.",
        ],
    },
    "greywater-schools": {
        "title": "Greywater teachers to strike over class sizes",
        "original": [
            "Teachers at nine secondary schools in Greywater will strike for two days next week after talks with the district education board over class sizes broke down on Friday.",
            "The teachers' union says average class sizes in the district have risen from 26 to 31 pupils in three years and wants a cap of 28. The board says it cannot afford the 40 extra teachers a cap would require.",
            "Union representative Daniel Okafor said members had voted 82 percent in favour of the action on a turnout of 74 percent.",
            "\"Nobody wants to close schools, but the board has left us no choice,\" Okafor said.",
            "The board's chair, Simone Vargas, said schools would try to stay open for pupils taking exams. Parents will be told by Monday which schools are closing.",
        ],
        "paraphrase": [
            "Negotiations between Greywater's teachers and the district education board over class sizes collapsed on Friday, and staff at nine secondary schools will now walk out for two days next week.",
            "Classes across the district have grown on average from 26 to 31 pupils over three years, according to the union, which is asking for a limit of 28. The board replies that it has no money for the forty additional teachers such a limit would mean.",
            "Members backed the strike by 82 percent, with 74 percent of them voting, said Daniel Okafor, who represents the union.",
            "Okafor said closing schools was nobody's wish but that the board had given teachers no other option.",
            "Simone Vargas, who chairs the board, said exam pupils would be kept in school where possible, and that parents would hear by Monday which schools will shut.",
        ],
        "independent": [
            "Parents in Greywater are scrambling to arrange childcare after teachers at nine secondary schools announced a two-day strike over class sizes.",
            "\"I work shifts at the hospital. I cannot take two days off at a week's notice,\" said Grace Lindell, whose two sons attend Hillcrest Academy.",
            "Some parents back the teachers. Tom Adeyemi, who chairs the Hillcrest parents' association, said his son's maths class had 33 pupils. \"That is not a class, that is a lecture,\" he said.",
            "Local sports clubs and the public library have offered to open early on both days. The district education board says it cannot pay for the 40 extra teachers the union wants.",
            "The union's ballot showed 82 percent support for a strike.",
        ],
    },
    "hallam-fire": {
        "title": "Fire destroys historic Hallam mill",
        "original": [
            "A fire on Sunday night destroyed most of the Hallam Mill, a listed textile mill built in 1832 that had been empty for more than a decade.",
            "Sixty firefighters and twelve engines fought the blaze, which was reported at 10.20pm and could be seen across the town. Nobody was hurt.",
            "The fire service said the roof and upper three floors had collapsed, and that the building's chimney, 40 metres tall, would be examined on Monday to see whether it is safe.",
            "Hallam Heritage Trust had been raising money to turn the mill into flats and a museum. Its chair, Ruth Penhale, said the trust was heartbroken.",
            "Police are treating the fire as suspicious and have asked for footage from residents' doorbell cameras on Canal Street.",
        ],
        "paraphrase": [
            "Most of Hallam Mill, a listed textile mill dating from 1832 that has stood unused for over ten years, was destroyed by fire on Sunday night.",
            "The blaze was reported at 10.20pm and was visible all over town. Twelve engines and sixty firefighters tackled it, and no one was injured.",
            "Firefighters said the roof had fallen in along with the three upper floors. On Monday engineers will check whether the mill's 40-metre chimney is still safe.",
            "The Hallam Heritage Trust, which had been fundraising to convert the building into flats and a museum, is heartbroken, its chair Ruth Penhale said.",
            "The police regard the fire as suspicious and want residents of Canal Street to share recordings from their doorbell cameras.",
        ],
        "independent": [
            "For many in Hallam, the mill that burned on Sunday night was where their grandparents worked, and on Monday dozens gathered on Canal Street to look at what was left.",
            "\"My gran started there at fourteen, on the looms,\" said Edna Marsh, 79. \"It was the heart of this town.\"",
            "The mill employed more than 900 people at its peak in the 1920s and closed in 1978. Plans by the Hallam Heritage Trust to restore it had raised 1.2 million euros of the 6 million needed.",
            "Local historian Victor Amis said old photographs and ledgers from the mill were kept in the town library and were safe.",
            "Police said on Monday that two teenagers seen near the building had been spoken to and released.",
        ],
    },
}
