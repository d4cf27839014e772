"""The copy model (a real Argos package whose model copies its input, see
../shared/models/README.md) for the terms tests: expansions and protected terms show in its
output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED

COPY_VI_EN = SHARED / "models" / "translate-vi_en-copy.argosmodel"


@pytest.fixture
def installed_copy_vi_en(bireader_home: Path):
    from reader.core.translate.packages import install_package_file

    if not COPY_VI_EN.exists():
        pytest.skip(f"{COPY_VI_EN} is not here")
    return install_package_file(COPY_VI_EN)
