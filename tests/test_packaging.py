"""The package's metadata, as pip installed it: an SPDX license with its file, the Python versions
declared where the tests run, the type marker, the links."""
import sys
from importlib import metadata, resources

from packaging.specifiers import SpecifierSet

META = metadata.metadata("qwen-migrate")


def test_the_license_is_an_spdx_expression_with_its_file():
    assert META["License-Expression"] == "MIT"
    assert META.get_all("License-File") == ["LICENSE"]
    assert "License ::" not in " ".join(META.get_all("Classifier"))  # PEP 639: the expression, not a classifier


def test_the_tests_run_on_a_python_the_package_declares():
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert running in SpecifierSet(META["Requires-Python"])
    assert f"Programming Language :: Python :: {running}" in META.get_all("Classifier")
    assert "3.10" not in SpecifierSet(META["Requires-Python"])  # the test extra needs 3.11 (pydantic-ai-slim)


def test_the_classified_versions_are_all_declared():
    declared = SpecifierSet(META["Requires-Python"])
    versions = [c.rsplit(" :: ", 1)[1] for c in META.get_all("Classifier") if c.startswith("Programming Language :: Python :: 3.")]
    assert versions and all(version in declared for version in versions)


def test_the_package_ships_its_type_marker_and_schema():
    package = resources.files("qwen_migrate")
    assert package.joinpath("py.typed").is_file()
    assert package.joinpath("report-schema.json").is_file()


def test_the_project_links_are_https():
    urls = dict(entry.split(", ", 1) for entry in META.get_all("Project-URL"))
    assert {"Homepage", "Repository", "Documentation", "Issues"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())
