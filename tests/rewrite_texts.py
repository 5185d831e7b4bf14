"""Hand-written texts for the rewrite tests (fictional events; written for samestory)."""

# --- an article and a hand-written paraphrase of it (sentence by sentence, new wording) ---
ORIGINAL = """\
A fire broke out on Tuesday night at the Brightwater paper mill in Kelso Vale, forcing the evacuation of forty workers.
Firefighters from three stations fought the blaze for more than six hours before bringing it under control early on Wednesday.
Nobody was seriously hurt, although two employees were treated at the scene for smoke inhalation.
The mill's owner, Margarethe Sørensen, said the fire started in a storage hall where rolls of finished paper were kept.
"We are deeply grateful to the fire crews, who stopped the flames from reaching the main production line," Sørensen said.
Local residents were told to keep their windows closed because of the thick smoke drifting over the town.
The cause of the fire is still unknown, and investigators from the regional fire service are expected on site on Thursday.
The mill, which opened in 1962, employs about 310 people and is the largest employer in Kelso Vale.
Production is expected to stay suspended for at least two weeks while the damaged hall is made safe.
"""

PARAPHRASE = """\
On Tuesday evening flames erupted at Kelso Vale's Brightwater paper factory, and some forty staff had to be evacuated.
Crews from three fire stations battled the blaze for over six hours and only had it contained in the early hours of Wednesday.
No one suffered serious injuries, though paramedics treated two workers on site after they breathed in smoke.
According to owner Margarete Sorensen, the blaze began in a warehouse used to store rolls of completed paper.
"We owe the firefighters a huge debt for keeping the fire away from our main production line," said Sorensen.
People living nearby were advised to shut their windows as dense smoke drifted across the town.
It is not yet known what caused the fire; investigators from the regional fire service will visit the site on Thursday.
Opened in 1962, the factory has around 310 employees and is the biggest employer in Kelso Vale.
Paper production will likely remain halted for two weeks or more while the damaged warehouse is secured.
"""

# --- same event, written independently: same names, dates and numbers, different sentences ---
INDEPENDENT_MILL = """\
Kelso Vale woke on Wednesday to the smell of burnt paper after a night-long fight against a fire at the Brightwater mill.
Neighbours on Mill Street described orange flames rising above the storage hall shortly after ten on Tuesday night.
The regional fire service sent crews from three stations; the last of them left the site at dawn.
Margarethe Sørensen, who has run the mill since her father retired, spent the night at the gate talking to anxious families.
For a town of 8,000 people, the mill's 310 jobs matter: a local councillor called it "the heart of Kelso Vale".
Workers gathered at the Crown pub on Wednesday afternoon to ask when they would be paid again.
Union representative Ola Brandt said he would meet the management on Friday to discuss wages during the shutdown.
The mill, built in 1962, survived a flood in 1987 and a strike in 2004, and most residents expect it to reopen.
"""

COUNCIL_A = """\
The Ashford town council voted 7 to 4 on Monday to close the Riverside swimming pool at the end of March.
Council leader Dominic Achterberg said repairs to the roof and the heating system would cost 2.4 million pounds, money the town does not have.
Swimming clubs that train at Riverside will be offered lanes at the Northgate leisure centre, eleven kilometres away.
A petition against the closure, signed by 5,200 residents, was handed to the council before the meeting.
Opposition councillor Priya Ramsay called the decision short-sighted and said the pool could be saved with a community trust.
The pool opened in 1974 and welcomed about 90,000 visitors last year.
"""

COUNCIL_B = """\
Parents and swimmers packed the public gallery in Ashford on Monday evening, but the vote went against them.
By seven votes to four, councillors agreed that Riverside pool will shut its doors in March.
"My children learned to swim there, and so did I," said Helen Cole, one of the organisers of the 5,200-signature petition.
Dominic Achterberg, who leads the council, told the gallery that the town could not find 2.4 million pounds for a new roof and boilers.
Priya Ramsay, for the opposition, wants a community trust to take over the building, which has stood since 1974.
Northgate leisure centre, a twenty-minute drive away, has offered Riverside's clubs early-morning lanes.
Last year almost 90,000 people used the pool, according to council figures.
"""

BOILERPLATE_TOP = """\
Home | News | Sport | Weather
Subscribe to our newsletter
"""

BOILERPLATE_BOTTOM = """\
Share this article
Related stories
Leave a comment
Log in to your account
"""
