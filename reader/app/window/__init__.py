"""The main window, composed of owned parts: the action table (`actions`), and controllers for
opening, translation, model installation, annotations, search, export and OCR, each given what it
needs and talking back through signals. `main_window` builds the widgets and wires them."""

APP_TITLE = "Bilingual Reader"
