"""The machinery of the plan: the work folder and its task markers (folder.py), running steps
with resume (runner.py), the shuffle (shuffle.py), the parts of a run (parts.py) and the
manifest (manifest.py). No tier logic lives here: steps/ joins the two."""
