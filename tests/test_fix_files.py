"""`qwen-migrate fix` and the file it writes: symlinks, hard links, owner, group and mode are kept,
and a read-only file is refused rather than rewritten."""
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from qwen_migrate import fixer
from qwen_migrate.cli import main

from helpers import OTHER_GID, OTHER_UID, as_another_user, root_only

BEFORE = 'from openai import OpenAI\nclient = OpenAI(base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1")\nclient.chat.completions.create(model="gpt-4o", messages=[])\n'
AFTER = BEFORE.replace("gpt-4o", "qwen3.6-plus")
NOTEBOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"

def run(*args):
    return CliRunner().invoke(main, ["fix", "--select", "QW210", *map(str, args)])


@pytest.fixture
def project(tmp_path, monkeypatch):
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_a_symlink_and_its_target_in_the_tree_are_fixed_once_through_the_target(project):
    (project / "app.py").write_text(BEFORE)
    (project / "alias.py").symlink_to("app.py")
    result = run(".")
    assert result.exit_code == 0, result.output
    assert (project / "alias.py").is_symlink() and os.readlink(project / "alias.py") == "app.py"
    assert (project / "app.py").read_text() == AFTER
    assert result.output.startswith("Fixed 1 finding in app.py: QW210\n\nFixed 1 finding in 1 file.\n")


def test_a_symlink_to_a_file_outside_the_tree_writes_the_target_and_keeps_the_link(project):
    outside = project.parent / "shared" / "client.py"
    outside.parent.mkdir()
    outside.write_text(BEFORE)
    outside.chmod(0o640)
    (project / "src").mkdir()
    (project / "src" / "client.py").symlink_to(outside)
    result = run("src")
    assert result.exit_code == 0, result.output
    assert (project / "src" / "client.py").is_symlink() and (project / "src" / "client.py").resolve() == outside
    assert outside.read_text() == AFTER
    assert stat.S_IMODE(outside.stat().st_mode) == 0o640
    assert result.output.startswith("Fixed 1 finding in src/client.py: QW210\n")
    assert sorted(p.name for p in outside.parent.iterdir()) == ["client.py"]  # no temporary file left


def test_a_symlinked_notebook_is_fixed_through_its_target(project):
    outside = project.parent / "triage.ipynb"
    shutil.copy(NOTEBOOKS / "triage.ipynb", outside)
    (project / "triage.ipynb").symlink_to(outside)
    result = run(".")
    assert result.output.startswith("Fixed 1 finding in triage.ipynb: QW210\n")
    assert (project / "triage.ipynb").is_symlink()
    assert outside.read_bytes() == (NOTEBOOKS / "triage.ipynb").read_bytes().replace(b"gpt-4o", b"qwen3.6-plus")


def test_a_symlink_named_on_the_command_line_is_reported_by_its_own_name(project):
    (project / "app.py").write_text(BEFORE)
    (project / "alias.py").symlink_to("app.py")
    result = run("alias.py")
    assert result.output.startswith("Fixed 1 finding in alias.py: QW210\n")
    assert (project / "alias.py").is_symlink()
    assert (project / "app.py").read_text() == AFTER
    assert run("alias.py", "app.py").output.startswith("Fixed 0 findings in 0 files.\nAll checks passed (1 file checked).")


def test_a_hard_linked_file_is_written_in_place_and_both_names_see_the_fix(project):
    (project / "app.py").write_text(BEFORE)
    os.link(project / "app.py", project / "copy.py")
    outside = project.parent / "elsewhere.py"
    os.link(project / "app.py", outside)
    inode = (project / "app.py").stat().st_ino
    result = run(".")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Fixed 1 finding in app.py: QW210\n\nFixed 1 finding in 1 file.\n")  # one file, two names
    for name in (project / "app.py", project / "copy.py", outside):
        assert name.read_text() == AFTER
        assert name.stat().st_ino == inode and name.stat().st_nlink == 3
    assert sorted(p.name for p in project.iterdir()) == ["app.py", "copy.py"]  # the backup is gone


def test_an_in_place_write_that_fails_puts_the_original_back(project, monkeypatch):
    (project / "app.py").write_text(BEFORE)
    os.link(project / "app.py", project.parent / "elsewhere.py")
    real = fixer._overwrite

    def full_disk(stream, data):
        if data == AFTER.encode():
            stream.seek(0)
            stream.write(data[:20])  # part of it got out before the disk filled up
            raise OSError(28, "No space left on device")
        real(stream, data)

    monkeypatch.setattr(fixer, "_overwrite", full_disk)
    result = run("app.py")
    assert result.exit_code == 2
    assert "app.py: [Errno 28] No space left on device" in result.output
    assert (project / "app.py").read_text() == BEFORE
    assert sorted(p.name for p in project.iterdir()) == ["app.py"]


@root_only
def test_owner_group_and_mode_are_kept(project):
    path = project / "app.py"
    path.write_text(BEFORE)
    os.chown(path, OTHER_UID, OTHER_GID)
    path.chmod(0o664)
    assert run("app.py").exit_code == 0
    assert path.read_text() == AFTER
    status = path.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (OTHER_UID, OTHER_GID, 0o664)


@root_only
@pytest.mark.parametrize("owner", [OTHER_UID, 0])
def test_a_read_only_file_is_refused_and_left_alone(project, owner):
    (project / "app.py").write_text(BEFORE)
    os.chown(project / "app.py", owner, owner)
    (project / "app.py").chmod(0o444)
    (project / "other.py").write_text(BEFORE)
    before = (project / "app.py").stat()
    result = run(".")
    assert result.exit_code == 2
    assert result.output.endswith(f"qwen-migrate: app.py: read-only file (mode 0444, owner {owner}), not written\n")
    assert "in app.py" not in result.output  # not reported as fixed
    after = (project / "app.py").stat()
    assert (project / "app.py").read_text() == BEFORE
    assert (after.st_ino, after.st_uid, after.st_mtime_ns) == (before.st_ino, owner, before.st_mtime_ns)
    assert (project / "other.py").read_text() == AFTER


@root_only
def test_add_noqa_reports_a_read_only_file_without_a_traceback(project):
    (project / "app.py").write_text(BEFORE)
    (project / "app.py").chmod(0o444)
    result = CliRunner().invoke(main, ["check", "--select", "QW210", "--add-noqa", "app.py"])
    assert result.exit_code == 2, result.exception
    assert "Added noqa comments to 0 lines.\n" in result.output
    assert result.output.endswith("qwen-migrate: app.py: read-only file (mode 0444, owner 0), not written\n")
    assert (project / "app.py").read_text() == BEFORE


@root_only
def test_an_unprivileged_user_cannot_take_over_a_file_through_the_folder(shared_folder):
    """A user who may write the folder but not the file could replace it by a rename: refused.
    A file the user may write but could not give back to its owner is written in place, keeping him."""
    for name, mode in (("theirs.py", 0o644), ("group.py", 0o664)):
        (shared_folder / name).write_text(BEFORE)
        os.chown(shared_folder / name, OTHER_UID + 1, OTHER_GID)
        (shared_folder / name).chmod(mode)
    outcome = as_another_user(lambda: fixer.write_file(shared_folder / "theirs.py", AFTER.encode()))
    assert outcome == f"FixError: read-only file (mode 0644, owner {OTHER_UID + 1}), not written"
    assert (shared_folder / "theirs.py").read_text() == BEFORE
    assert (shared_folder / "theirs.py").stat().st_uid == OTHER_UID + 1
    assert as_another_user(lambda: fixer.write_file(shared_folder / "group.py", AFTER.encode())) == "None"
    assert (shared_folder / "group.py").read_text() == AFTER
    status = (shared_folder / "group.py").stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (OTHER_UID + 1, OTHER_GID, 0o664)
    assert sorted(p.name for p in shared_folder.iterdir()) == ["group.py", "theirs.py"]
