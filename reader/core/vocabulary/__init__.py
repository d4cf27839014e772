"""The reader's vocabulary list: saved words with their context, exported to Anki or CSV."""
