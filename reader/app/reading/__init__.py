"""The reading view, composed: `view.DocumentView` owns the panes (`pane`), the row layout
(`layout`), the painter (`painting`), the pointer state (`interaction`), find (`find`) and the
annotation highlights (`highlights`); `preferences` is the page that edits `ReadingLayout`."""
