"""The application core: documents, segmentation, translation, storage. Never imports Qt."""
