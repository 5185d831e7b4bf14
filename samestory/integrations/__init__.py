"""Steps for other tools' pipelines (optional extras: `pip install samestory[datatrove]`)."""
