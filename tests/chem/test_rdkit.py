"""RDKit's reasons for unreadable SDF records land in the reject, and RDKit's logging is left as it was."""

from __future__ import annotations

import logging

from tests.conftest import requires

pytestmark = requires("rdkit")

# The mol-file parser reports this record's problem on RDKit's *warning* log, which
# rdBase.CaptureErrorLog does not see: the atom count field is not a number.
BAD_COUNTS = "junk\n\n\n  x  y\nM  END\n"
BAD_COUNTS_REASON = "Cannot convert '  x' to unsigned int on line 4"


def _sdf(tmp_path):
    from rdkit import Chem

    good = Chem.MolToMolBlock(Chem.MolFromSmiles("CCO"))
    path = tmp_path / "m.sdf"
    path.write_text(good + "$$$$\n" + BAD_COUNTS + "$$$$\n" + good + "$$$$\n")
    return path


def test_sdf_reject_quotes_rdkits_reason_and_stderr_stays_clean(tmp_path, capfd):
    from graphssl.chem import mols_to_graphs

    graphs, rejects = mols_to_graphs(_sdf(tmp_path))
    assert len(graphs) == 2 and [r[0] for r in rejects] == [1]
    assert rejects[0][2] == f"invalid molecule in {tmp_path / 'm.sdf'} record 1 (junk): {BAD_COUNTS_REASON}"
    assert BAD_COUNTS_REASON not in capfd.readouterr().err


def test_rdkit_logging_is_as_before_after_reading(tmp_path, capfd):
    from rdkit import Chem, rdBase

    from graphssl.chem import mols_to_graphs

    status = rdBase.LogStatus()
    mols_to_graphs(_sdf(tmp_path))
    assert rdBase.LogStatus() == status
    capfd.readouterr()
    Chem.MolFromMolBlock(BAD_COUNTS)  # outside graphssl, RDKit still speaks on stderr
    assert BAD_COUNTS_REASON in capfd.readouterr().err


def test_messages_of_readable_records_are_passed_on(tmp_path, capfd):
    from rdkit import Chem

    from graphssl.chem import mols_to_graphs

    # A lone explicit hydrogen is kept with a warning ("not removing hydrogen atom without neighbors").
    path = tmp_path / "h.sdf"
    path.write_text(Chem.MolToMolBlock(Chem.MolFromSmiles("[H+]", sanitize=False)) + "$$$$\n")
    graphs, rejects = mols_to_graphs(path)
    assert len(graphs) == 1 and not rejects
    assert "not removing hydrogen atom without neighbors" in capfd.readouterr().err


def test_capture_works_when_rdkit_logs_to_python(tmp_path):
    from rdkit import Chem, rdBase

    from graphssl.chem import mols_to_graphs

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__()
            self.messages = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    logger = logging.getLogger("rdkit")
    collect, before = Collect(), logger.handlers[:]
    logger.addHandler(collect)
    rdBase.LogToPythonLogger()
    try:
        _, rejects = mols_to_graphs(_sdf(tmp_path))
        assert rejects[0][2].endswith(BAD_COUNTS_REASON)
        assert not any(BAD_COUNTS_REASON in m for m in collect.messages)
        assert logger.handlers == before + [collect]
        Chem.MolFromMolBlock(BAD_COUNTS)
        assert any(BAD_COUNTS_REASON in m for m in collect.messages)
    finally:
        rdBase.LogToCppStreams()
        logger.removeHandler(collect)
