"""Short texts (200-300 words) and human revisions of them, written for samestory (fictional
facts): the shape of published corpora of short answers that revise a source text, where the
rewrite tier missed most heavy revisions before issue 19.

For each source: a LIGHT revision (same sentences in the same order, words and phrases
replaced, one sentence split or merged), a HEAVY one (sentences restructured, merged and
reordered, most wording new, the same facts), and an INDEPENDENT text of six sentences on the
same question, with the same names, that says other things (must not be merged).
"""

SOURCES = {
    "bees": """\
Honeybees are disappearing from many farms in the northern valleys, and scientists are still arguing about why.
A survey by the Lindqvist Institute found that beekeepers lost about a third of their colonies over the last winter.
Some researchers blame a group of pesticides called neonicotinoids, which can damage the insects' sense of direction.
Others point to a parasite, the varroa mite, which feeds on young bees and spreads viruses inside the hive.
A third group argues that the real problem is hunger, because large fields of a single crop flower for only a few weeks.
Dr. Maren Holt, who led the survey, believes that all three causes work together.
"A colony weakened by mites and poor food is far more vulnerable to chemicals," she said.
The loss matters because bees pollinate apples, berries and many vegetables grown in the region.
Farmers have started planting strips of wild flowers between their fields to give the insects food all summer.
The regional government has also promised to fund a five-year study that will follow two hundred hives.
Until the results are known, beekeepers are being told to check their colonies for mites every month.
""",
    "library": """\
The town library of Eastbridge will stay open on Sundays from next month, after a long campaign by parents and students.
For years the building closed at noon on Saturday and did not open again until Monday morning.
Students said they had nowhere quiet to work at the weekend, especially before exams.
A petition started by a local teacher, Tomas Reyes, collected more than four thousand signatures in six weeks.
The council first rejected the idea because it would cost about ninety thousand pounds a year in extra staff.
It changed its mind when a local bakery chain offered to pay half of the cost for three years.
The library will open from ten in the morning until four in the afternoon on Sundays.
Volunteers will help with the children's reading hour, which will move from Saturday to Sunday.
Mr. Reyes said he was delighted and hoped that other towns would follow the example.
The head librarian, Agnes Cole, warned that the arrangement would be reviewed if too few people used it.
Visitor numbers will be counted every Sunday and reported to the council at the end of the year.
""",
    "bridge": """\
Engineers have found serious cracks in the old railway bridge over the river Tamsin, and trains will be slowed down while it is repaired.
The bridge was built in 1894 and carries about one hundred and twenty trains a day between Harlow Cross and the coast.
The cracks were discovered during a routine inspection last week in two of the iron supports under the central span.
The rail company said the bridge was not in danger of collapsing but that it could not carry heavy freight trains at full speed.
From Monday, all trains will cross at a maximum of twenty miles an hour, which will add about ten minutes to each journey.
Freight trains carrying stone from the quarry at Penwick will be sent on a longer route through the hills.
Repairs are expected to take four months and to cost around six million pounds.
Passenger groups complained that the company had known about problems with the bridge for years.
A spokesman for the company, Daniel Okafor, said the earlier faults had been minor and had been fixed.
Local businesses near the stations fear that the delays will keep tourists away during the summer.
The company has promised to publish weekly updates on the progress of the work.
""",
}

LIGHT = {
    "bees": """\
Honeybees are vanishing from many farms in the northern valleys, and scientists still disagree about the reason.
A survey carried out by the Lindqvist Institute showed that beekeepers lost roughly a third of their colonies during the last winter.
Some researchers put the blame on a family of pesticides known as neonicotinoids, which can harm the insects' sense of direction.
Others point to a parasite, the varroa mite. It feeds on young bees and spreads viruses in the hive.
A third group says the real problem is hunger, since huge fields of one single crop are in flower for just a few weeks.
Dr. Maren Holt, who ran the survey, thinks that all three causes act together.
"A colony that is weakened by mites and bad food is much more vulnerable to chemicals," she said.
The losses matter because bees pollinate the apples, berries and many of the vegetables grown in the region.
Farmers have begun to plant strips of wild flowers between their fields so that the insects have food all summer.
The regional government has also promised money for a five-year study that will follow two hundred hives.
Until the results are in, beekeepers are advised to check their colonies for mites every month.
""",
    "library": """\
The Eastbridge town library will be open on Sundays from next month, following a long campaign by parents and students.
For years the building shut at noon on Saturdays and did not reopen until Monday morning.
Students complained that they had no quiet place to study at weekends, particularly before exams.
A petition launched by a local teacher, Tomas Reyes, gathered over four thousand signatures in six weeks.
The council at first turned the idea down because the extra staff would cost around ninety thousand pounds a year, but it changed its mind when a local bakery chain offered to cover half of the cost for three years.
The library will be open from ten in the morning to four in the afternoon on Sundays.
Volunteers will help run the children's reading hour, which is moving from Saturday to Sunday.
Mr. Reyes said he was delighted and hoped other towns would follow the example.
The head librarian, Agnes Cole, warned that the plan would be reviewed if too few people came.
Visitor numbers will be counted each Sunday and reported to the council at the end of the year.
""",
    "bridge": """\
Engineers have discovered serious cracks in the old railway bridge across the river Tamsin, and trains will run more slowly while it is being repaired.
The bridge dates from 1894 and carries some one hundred and twenty trains a day between Harlow Cross and the coast.
The cracks were found in a routine inspection last week in two of the iron supports beneath the central span.
The rail company said there was no danger of the bridge collapsing, but it could not take heavy freight trains at full speed.
From Monday every train will cross at no more than twenty miles an hour, adding about ten minutes to each trip.
Freight trains carrying stone from the Penwick quarry will be diverted onto a longer route through the hills.
The repairs should take four months and cost about six million pounds.
Passenger groups complained that the company had been aware of problems with the bridge for years.
Daniel Okafor, a spokesman for the company, said the earlier faults had been small and had been repaired.
Local businesses close to the stations are afraid the delays will keep tourists away over the summer.
The company has promised to put out weekly updates on how the work is going.
""",
}

HEAVY = {
    "bees": """\
Why are the bees on farms across the northern valleys dying? Scientists have not yet agreed on an answer.
Over the past winter, roughly one colony in three was lost, according to a study by the Lindqvist Institute.
One explanation is chemical: neonicotinoid pesticides are thought to disturb the way bees find their way home.
A second suspect is the varroa mite, a parasite that lives on the young insects and carries viruses through the colony.
Still other experts think the bees are simply starving, as vast single-crop fields provide flowers for only a short part of the year.
The head of the study, Dr. Maren Holt, does not choose between these explanations, but thinks they reinforce each other, because in her words "chemicals hit hardest in a colony already weakened by mites and a poor diet."
This is a serious issue for the region, where apples, berries and numerous vegetables depend on bees for pollination.
In response, farmers now sow bands of wild flowers along the edges of their fields, so that food is available throughout the summer.
The authorities, for their part, have pledged to pay for a five-year research project tracking two hundred hives.
Meanwhile, beekeepers should inspect their hives for mites once a month.
""",
    "library": """\
From next month, people in Eastbridge will be able to use their library on Sundays too.
This follows years in which the doors closed at midday on Saturday and stayed shut until the start of the week, leaving students with no quiet place to revise at weekends, above all when exams were near.
Tomas Reyes, a teacher in the town, began a petition that more than four thousand people signed within six weeks.
Councillors were reluctant at first, since paying extra staff would cost roughly ninety thousand pounds every year.
What persuaded them was an offer from a bakery chain in the area to fund half of this for the first three years.
Sunday opening hours will run from 10 am to 4 pm, and the children's reading session will be moved to Sundays, run with the help of volunteers.
Delighted with the result, Mr. Reyes expressed the hope that neighbouring towns would do the same.
Agnes Cole, who runs the library, was more cautious: if attendance is low, the scheme will be looked at again.
Staff will record how many visitors come each Sunday and send the figures to the council when the year ends.
""",
    "bridge": """\
Trains crossing the river Tamsin will have to slow down for the next few months, after inspectors found serious cracks in the Victorian railway bridge there.
Built in 1894, the bridge is used by around 120 trains every day on the line linking Harlow Cross with the coast.
During a regular check last week, engineers spotted the damage in two iron supports below the middle span.
While there is no risk that the structure will fall, the rail company says, it can no longer take heavy freight traffic at normal speed.
A speed limit of 20 miles an hour will apply to all trains from Monday, making journeys about ten minutes longer.
Stone trains from Penwick quarry will take a longer detour through the hills instead.
The work is expected to last four months, with a bill of roughly six million pounds.
Passenger representatives accused the company of having ignored problems with the bridge for years, a claim rejected by its spokesman Daniel Okafor, who said the earlier faults had been minor and were dealt with.
Shops and cafes near the stations worry that the delays will put off summer visitors.
The company says it will report on the progress of the repairs every week.
""",
}

INDEPENDENT = {
    "bees": """\
Dr. Maren Holt has kept bees for thirty years on a small farm outside the Lindqvist Institute's research station.
She started with two hives that her grandfather gave her and now looks after more than forty.
Her favourite part of the job is the spring, when the first colonies fly out to the orchards.
She sells most of her honey at a weekly market in the northern valleys, where customers ask about the different flavours.
Holt also teaches a beginners' course every autumn, and this year twenty people signed up.
She tells every student that patience matters more than any piece of equipment.
""",
    "library": """\
Agnes Cole became head librarian in Eastbridge eleven years ago, after working in a university library in the capital.
She has since doubled the number of books for teenagers and opened a small room for local history.
Every Tuesday she runs a club for older residents who want to learn to use computers.
Tomas Reyes, a teacher at the secondary school, often brings his classes to the local history room.
The library's most borrowed book last year was a guide to walks in the surrounding hills.
Cole says her dream is a new building with a garden where children can read outside in summer.
""",
    "bridge": """\
The railway bridge over the river Tamsin was designed by an engineer from Harlow Cross who also built the town hall.
When it opened in 1894, thousands of people came to watch the first train cross it.
For many years it was painted dark green, and it was repainted grey only after the war.
Photographers like the bridge at sunset, when its arches are reflected in the water.
A local museum in Penwick has an exhibition of drawings and models of the bridge.
Daniel Okafor, who now speaks for the rail company, wrote a short history of the line as a student.
""",
}
